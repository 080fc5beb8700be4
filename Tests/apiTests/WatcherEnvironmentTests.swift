import ArgumentParser
import Foundation
import Testing
import Watcher

@testable import api

@Suite("WatcherEnvironment")
struct WatcherEnvironmentTests {
    @Test func defaultsFollowBothSourcesUnderHome() throws {
        let configuration = try WatcherEnvironment.configuration(from: ["HOME": "/home/op"])
        #expect(configuration.openClawRoot == "/home/op/.openclaw/agents")
        #expect(configuration.claudeProjectsRoot == "/home/op/.claude/projects")
        #expect(configuration.offsetsFile == "/home/op/.local/state/dormouse/watch-offsets.json")
        #expect(configuration.idleTimeout == .seconds(60))
        #expect(configuration.maxStatusLines == 10)
        #expect(configuration.maxMessageCharacters == 15_000)
        #expect(configuration.pollInterval == .seconds(1))
    }

    @Test func readsEveryVariable() throws {
        let configuration = try WatcherEnvironment.configuration(from: [
            "HOME": "/home/op", "TRANSCRIPT_DIR": "/srv/openclaw", "CLAUDE_PROJECTS_DIR": "/srv/claude",
            "IDLE_TIMEOUT_S": "5", "ORPHAN_TIMEOUT_S": "9", "MAX_STATUS_LINES": "4", "MAX_MESSAGE_CHARS": "900",
            "MAX_LINE_CHARS": "80", "SUBAGENT_MAX_DEPTH": "2", "POLL_INTERVAL_MS": "250", "WATCH_STATE_FILE": "",
        ])
        #expect(configuration.openClawRoot == "/srv/openclaw")
        #expect(configuration.claudeProjectsRoot == "/srv/claude")
        #expect(configuration.offsetsFile == nil)
        #expect(configuration.idleTimeout == .seconds(5))
        #expect(configuration.orphanTimeout == .seconds(9))
        #expect(configuration.maxStatusLines == 4)
        #expect(configuration.maxMessageCharacters == 900)
        #expect(configuration.lineWidth == 80)
        #expect(configuration.maxDepth == 2)
        #expect(configuration.pollInterval == .milliseconds(250))
    }

    @Test func oneSourceCanBeLeftOut() throws {
        let configuration = try WatcherEnvironment.configuration(from: ["HOME": "/h", "WATCH_SOURCES": "claude"])
        #expect(configuration.openClawRoot == nil)
        #expect(configuration.claudeProjectsRoot == "/h/.claude/projects")
    }

    @Test(arguments: [
        ["IDLE_TIMEOUT_S": "0"], ["MAX_STATUS_LINES": "many"], ["POLL_INTERVAL_MS": "-5"],
        ["WATCH_SOURCES": "openclaw,cursor"], ["TOOL_LABELS_FILE": "/nonexistent/labels.json"],
    ])
    func badValuesAreRefused(environment: [String: String]) {
        #expect(throws: (any Error).self) {
            try WatcherEnvironment.configuration(from: environment.merging(["HOME": "/h"]) { a, _ in a })
        }
    }
}
