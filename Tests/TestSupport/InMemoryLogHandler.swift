import Logging
import Synchronization

/// A log handler that keeps every entry in memory, so a test can read what was logged (at every level).
public struct InMemoryLogHandler: LogHandler {
    /// One logged entry.
    public struct Entry: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]
        public var error: String?

        /// The entry as one line of text: message, metadata and error.
        public var line: String {
            let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return ([message] + fields + (error.map { ["error=\($0)"] } ?? [])).joined(separator: " ")
        }
    }

    /// Where the entries go; every copy of the handler (every copy of its logger) shares it.
    public final class Store: Sendable {
        private let entries = Mutex<[Entry]>([])

        public init() {}

        public var all: [Entry] { entries.withLock { $0 } }
        public var lines: [String] { all.map(\.line) }

        func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
    }

    public let store: Store
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level

    public init(store: Store, logLevel: Logger.Level = .trace) {
        self.store = store
        self.logLevel = logLevel
    }

    /// A logger writing into a new store, and the store.
    public static func logger(label: String = "test", level: Logger.Level = .trace) -> (Logger, Store) {
        let store = Store()
        return (Logger(label: label) { _ in InMemoryLogHandler(store: store, logLevel: level) }, store)
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        store.append(
            Entry(
                level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" },
                error: event.error.map { "\($0)" }))
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}
