import Foundation
import Watcher

/// Fixture files copied from `../shared/fixtures` (see `Fixtures/README.md` for attribution).
enum Fixtures {
    static func url(_ relativePath: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(relativePath)
    }

    static func lines(_ relativePath: String) throws -> [Data] {
        let data = try Data(contentsOf: url(relativePath))
        return data.split(separator: 0x0A).map { Data($0) }
    }

    static let claudeShort = "claude-code/short.jsonl"
    static let claudeToolHeavy = "claude-code/tool_heavy.jsonl"
    static let claudeSubagent = "claude-code/subagent_agent-aac57f5.jsonl"
    static let openClaw = "openclaw/8555a0a4-0b79-459d-939c-e17cdbbf4fe2.head18.jsonl"
}

/// A fresh temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "watcher-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    func makeDirectory(_ name: String) throws -> String {
        let directory = file(name)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Appends bytes to a file, creating it if needed.
func append(_ data: Data, to path: String) throws {
    if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: data)
}

func append(lines: [Data], to path: String) throws {
    var data = Data()
    for line in lines {
        data.append(line)
        data.append(0x0A)
    }
    try append(data, to: path)
}

/// Records a stream's updates and lets a test await one matching a condition, with a bounded wait.
actor UpdateRecorder {
    private(set) var updates: [SessionUpdate] = []
    private var waiters:
        [(id: UUID, match: @Sendable (SessionUpdate) -> Bool, continuation: CheckedContinuation<SessionUpdate?, Never>)] =
            []
    private var counters: [(id: UUID, key: String, count: Int, continuation: CheckedContinuation<Bool, Never>)] = []

    func record(_ update: SessionUpdate) {
        updates.append(update)
        let counted = counters.filter { $0.key == update.key && count(of: $0.key) >= $0.count }
        counters.removeAll { counter in counted.contains { $0.id == counter.id } }
        counted.forEach { $0.continuation.resume(returning: true) }
        let ready = waiters.filter { $0.match(update) }
        waiters.removeAll { $0.match(update) }
        ready.forEach { $0.continuation.resume(returning: update) }
    }

    /// The first update (already recorded or future) matching `match`, or nil after `timeout`.
    func first(
        timeout: Duration = .seconds(30), where match: @escaping @Sendable (SessionUpdate) -> Bool
    ) async -> SessionUpdate? {
        if let found = updates.first(where: match) { return found }
        let id = UUID()
        return await withCheckedContinuation { continuation in
            waiters.append((id, match, continuation))
            Task {
                try? await Task.sleep(for: timeout)
                self.expire(id)
            }
        }
    }

    /// Forgets recorded updates, so the next `first` only sees newer ones.
    func clear() { updates = [] }

    /// How many recorded updates concern `key`.
    func count(of key: String) -> Int { updates.count { $0.key == key } }

    /// Returns true once at least `count` recorded updates concern `key`, false after `timeout`.
    func waitFor(_ count: Int, of key: String, timeout: Duration = .seconds(30)) async -> Bool {
        guard self.count(of: key) < count else { return true }
        let id = UUID()
        return await withCheckedContinuation { continuation in
            counters.append((id, key, count, continuation))
            Task {
                try? await Task.sleep(for: timeout)
                self.expireCounter(id)
            }
        }
    }

    private func expireCounter(_ id: UUID) {
        guard let index = counters.firstIndex(where: { $0.id == id }) else { return }
        counters.remove(at: index).continuation.resume(returning: false)
    }

    private func expire(_ id: UUID) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: nil)
    }
}
