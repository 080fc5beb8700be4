/// Receives every lifecycle event of the instances it is attached to.
///
/// Contract: called once per event, in the order the instance produced them, before the waiting callers
/// are resumed; an implementation must not call back into the controller (it would deadlock on itself)
/// and should return quickly (hand slow work to its own queue).
package protocol LifecycleEventListener: Sendable {
    func receive(_ event: LifecycleEvent) async
}

/// Fans one event out to several listeners, in order.
package struct LifecycleEventListeners: LifecycleEventListener {
    private let listeners: [any LifecycleEventListener]

    package init(_ listeners: [any LifecycleEventListener]) {
        self.listeners = listeners
    }

    package func receive(_ event: LifecycleEvent) async {
        for listener in listeners {
            await listener.receive(event)
        }
    }
}
