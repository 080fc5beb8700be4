import Logging
import Synchronization

/// A log handler that keeps every entry in memory, so a test can read what was logged (at every level).
package struct InMemoryLogHandler: LogHandler {
    /// One logged entry.
    package struct Entry: Sendable {
        package var level: Logger.Level
        package var message: String
        package var metadata: [String: String]
        package var error: String?

        /// The entry as one line of text: message, metadata and error.
        package var line: String {
            let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return ([message] + fields + (error.map { ["error=\($0)"] } ?? [])).joined(separator: " ")
        }
    }

    /// Where the entries go; every copy of the handler (every copy of its logger) shares it.
    package final class Store: Sendable {
        private let entries = Mutex<[Entry]>([])

        package init() {}

        package var all: [Entry] { entries.withLock { $0 } }
        package var lines: [String] { all.map(\.line) }

        func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
    }

    package let store: Store
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level

    package init(store: Store, logLevel: Logger.Level = .trace) {
        self.store = store
        self.logLevel = logLevel
    }

    /// A logger writing into a new store, and the store.
    package static func logger(label: String = "test", level: Logger.Level = .trace) -> (Logger, Store) {
        let store = Store()
        return (Logger(label: label) { _ in InMemoryLogHandler(store: store, logLevel: level) }, store)
    }

    package func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        store.append(
            Entry(
                level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" },
                error: event.error.map { "\($0)" }))
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}
