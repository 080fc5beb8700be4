import Foundation
import Testing

@testable import Watcher

#if canImport(Glibc)
    import Glibc
#endif

/// Tests of `SessionDiscovery`.
@Suite struct SessionDiscoveryTests {
    @Test func findsClaudeCodeSessionsAndSubagents() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let project = try directory.makeDirectory("claude/-home-me-projects-demo")
        try append(Data(), to: "\(project)/abc.jsonl")
        let subagents = try directory.makeDirectory("claude/-home-me-projects-demo/abc/subagents")
        try append(Data(), to: "\(subagents)/agent-aac57f5.jsonl")
        try append(Data(), to: "\(subagents)/notes.txt")
        var discovery = SessionDiscovery(openClawRoot: nil, claudeProjectsRoot: directory.file("claude"))
        let scan = discovery.scan()
        #expect(scan.sessions.keys.sorted() == ["claude:abc", "claude:abc/agent-aac57f5"])
        let child = try #require(scan.sessions["claude:abc/agent-aac57f5"])
        #expect(child.parentKey == "claude:abc")
        #expect(child.transcriptPath == "\(subagents)/agent-aac57f5.jsonl")
        #expect(scan.sessions["claude:abc"]?.agent == "demo")
        #expect(scan.directories.contains(subagents))
    }

    @Test func aRegistryThatIsAFIFOIsReportedNotRead() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sessions = try directory.makeDirectory("openclaw/main/sessions")
        let registry = "\(sessions)/sessions.json"
        #expect(mkfifo(registry, 0o644) == 0)
        // Before the fix the read waited for a writer: this one comes after 10 s, so the test fails, not hangs.
        let writer = Thread {
            Thread.sleep(forTimeInterval: 10)
            let descriptor = open(registry, O_WRONLY | O_NONBLOCK)
            if descriptor >= 0 { close(descriptor) }
        }
        writer.start()
        let started = Date()
        var discovery = SessionDiscovery(openClawRoot: directory.file("openclaw"), claudeProjectsRoot: nil)
        let scan = discovery.scan()
        #expect(Date().timeIntervalSince(started) < 5, "the scan waited on the FIFO")
        #expect(scan.irregularFiles == [registry])
        #expect(scan.sessions.isEmpty)
    }

    @Test func keepsTheLastGoodRegistryWhileItIsHalfWritten() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sessions = try directory.makeDirectory("openclaw/main/sessions")
        let registry = "\(sessions)/sessions.json"
        try append(Data(#"{"agent:main:main": {"sessionId": "s1"}}"#.utf8), to: registry)
        try append(Data(), to: "\(sessions)/s1.jsonl.lock")
        var discovery = SessionDiscovery(openClawRoot: directory.file("openclaw"), claudeProjectsRoot: nil)
        let first = discovery.scan()
        #expect(first.sessions.keys.sorted() == ["agent:main:main"])
        #expect(first.sessions["agent:main:main"]?.isLocked == true)
        try Data(#"{"agent:main:main": {"sessionId": "s1"}, "agent:main:x": {"sess"#.utf8)
            .write(to: URL(fileURLWithPath: registry))
        let second = discovery.scan()
        #expect(second.badRegistries == [registry])
        #expect(second.sessions.keys.sorted() == ["agent:main:main"])
        try Data(#"{"agent:main:main": {"sessionId": "s1"}, "agent:main:x": {"sessionId": "s2"}}"#.utf8)
            .write(to: URL(fileURLWithPath: registry))
        let third = discovery.scan()
        #expect(third.badRegistries.isEmpty)
        #expect(third.sessions.keys.sorted() == ["agent:main:main", "agent:main:x"])
        #expect(third.sessions["agent:main:x"]?.transcriptPath == "\(sessions)/s2.jsonl")
    }

    @Test func missingRootsFindNothing() {
        var discovery = SessionDiscovery(openClawRoot: "/nonexistent/a", claudeProjectsRoot: "/nonexistent/b")
        #expect(discovery.scan().sessions.isEmpty)
    }
}
