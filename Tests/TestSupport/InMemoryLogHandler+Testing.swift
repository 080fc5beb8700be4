import InMemoryLogging
import Logging

/// swift-log's `InMemoryLogHandler` the way the tests read it: a logger and its handler in one call, and each
/// entry as one line of text (to check that no secret was logged, whatever field it would be in).
extension InMemoryLogHandler {
    /// A logger writing into a new handler at `level`, and the handler (every copy shares its entries).
    package static func logger(label: String = "test", level: Logger.Level = .trace) -> (Logger, InMemoryLogHandler) {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: label) { _ in handler }
        logger.logLevel = level
        return (logger, handler)
    }

    /// Every entry as one line: message, metadata and error.
    package var lines: [String] { entries.map(\.line) }
}

extension InMemoryLogHandler.Entry {
    /// The entry as one line of text: message, metadata sorted by key, and error.
    package var line: String {
        let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return (["\(message)"] + fields + (error.map { ["error=\($0)"] } ?? [])).joined(separator: " ")
    }

    /// The metadata value under `key` as text (nil when absent).
    package func text(_ key: String) -> String? { metadata[key].map { "\($0)" } }
}
