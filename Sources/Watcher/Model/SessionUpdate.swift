/// A change to a top-level session, published by the engine to every subscriber.
package struct SessionUpdate: Sendable, Equatable {
    /// What happened to the session.
    package enum Kind: Sendable, Equatable {
        /// The first update of a top-level session.
        case added
        case changed
        case removed
    }

    package var kind: Kind
    package var key: String
    /// The session with its nested children (descriptor: key, transcript path, parent, depth, label, chat
    /// route); for `.removed`, the last known state.
    package var snapshot: SessionSnapshot

    package init(kind: Kind, key: String, snapshot: SessionSnapshot) {
        self.kind = kind
        self.key = key
        self.snapshot = snapshot
    }
}
