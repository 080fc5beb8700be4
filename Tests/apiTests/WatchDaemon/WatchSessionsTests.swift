import Foundation
import Registry
import TestSupport
import Testing

@testable import Server
@testable import WatchDaemon

/// `GET /watch/sessions`: the sessions `serve --watch` follows, each with the text its chat post shows; without a
/// watcher, an empty list that says so.
@Suite("Watcher sessions through the API", .timeLimit(.minutes(1)))
struct WatchSessionsTests {
    @Test func aSessionWrittenToDiskIsListedWithItsPostText() async throws {
        let folder = try WatchFolder()
        defer { folder.remove() }
        let project = folder.path("claude/-home-me-projects-demo")
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        try await TestApp(watch: try folder.assembly()).run { client in
            try WatchDaemonProcessTests.append(WatchDaemonProcessTests.prompt, to: "\(project)/s1.jsonl")
            // The server may answer before the watcher's engine has begun: lines written before that are backlog,
            // skipped by the startup scan. The reply is appended again until one is read as new. (Lines written
            // after the engine began are read even when the startup scan finds the file: WatchEngineFileIOTests.)
            var session = JSONValue.null
            var listed = false
            for _ in 0..<20 where !listed {
                try WatchDaemonProcessTests.append(WatchDaemonProcessTests.reply, to: "\(project)/s1.jsonl")
                let shown = try? await poll("the session listed", within: .seconds(3), every: .milliseconds(100)) {
                    let document = try await client.get("/watch/sessions").json
                    session = document["sessions"][0]
                    return document["watching"] == .bool(true)
                        && session["text"].string?.contains("release build") == true
                }
                listed = shown != nil
            }
            #expect(listed, "\(session)")
            #expect(session["key"].string == "claude:s1")
            #expect(session["status"].string == "active")
            #expect(session["format"].string == "claude-code")
            #expect(session["sub_agents"].int == 0)
        }
    }

    @Test func withoutAWatcherTheListIsEmptyAndSaysSo() async throws {
        try await TestApp().run { client in
            let document = try await client.get("/watch/sessions").json
            #expect(document["watching"] == .bool(false))
            #expect(document["sessions"].array.isEmpty)
        }
    }
}
