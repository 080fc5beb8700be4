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

/// Records a stream's updates and lets a test await one matching a condition, with a bounded wait: each wait has
/// one deadline whose timer is cancelled as soon as the wait ends, and a cancelled task stops waiting at once.
actor UpdateRecorder {
    private struct Waiter {
        let id: UUID
        let ready: @Sendable (SessionUpdate, [SessionUpdate]) -> Bool
        let continuation: CheckedContinuation<SessionUpdate?, Never>
    }

    private(set) var updates: [SessionUpdate] = []
    private var waiters: [Waiter] = []
    /// Waits that ended (timeout or cancellation) before they were registered: they give up when they are.
    private var ended: Set<UUID> = []

    func record(_ update: SessionUpdate) {
        updates.append(update)
        let ready = waiters.filter { $0.ready(update, updates) }
        waiters.removeAll { waiter in ready.contains { $0.id == waiter.id } }
        ready.forEach { $0.continuation.resume(returning: update) }
    }

    /// The first update (already recorded or future) matching `match`, or nil after `timeout`.
    func first(
        timeout: Duration = .seconds(30), where match: @escaping @Sendable (SessionUpdate) -> Bool
    ) async -> SessionUpdate? {
        if let found = updates.first(where: match) { return found }
        return await wait(timeout: timeout) { update, _ in match(update) }
    }

    /// Forgets recorded updates, so the next `first` only sees newer ones.
    func clear() { updates = [] }

    /// How many recorded updates concern `key`.
    func count(of key: String) -> Int { updates.count { $0.key == key } }

    /// Returns true once at least `count` recorded updates concern `key`, false after `timeout`.
    func waitFor(_ count: Int, of key: String, timeout: Duration = .seconds(30)) async -> Bool {
        guard self.count(of: key) < count else { return true }
        let update = await wait(timeout: timeout) { update, updates in
            update.key == key && updates.count { $0.key == key } >= count
        }
        return update != nil
    }

    private func wait(
        timeout: Duration, until ready: @escaping @Sendable (SessionUpdate, [SessionUpdate]) -> Bool
    ) async -> SessionUpdate? {
        let id = UUID()
        let expiry = Task {
            try await Task.sleep(for: timeout)
            await self.end(id)
        }
        defer { expiry.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if ended.remove(id) != nil || Task.isCancelled {
                    continuation.resume(returning: nil)
                } else {
                    waiters.append(Waiter(id: id, ready: ready, continuation: continuation))
                }
            }
        } onCancel: {
            Task { await self.end(id) }
        }
    }

    private func end(_ id: UUID) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else {
            ended.insert(id)
            return
        }
        waiters.remove(at: index).continuation.resume(returning: nil)
    }
}
