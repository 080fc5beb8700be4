import Foundation
import Logging
import Testing
import Watcher

@testable import DormouseClient
@testable import Server
@testable import WatchDaemon

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

    @Test func daemonDefaults() throws {
        let settings = try WatcherEnvironment.settings(from: ["HOME": "/home/op"])
        #expect(settings.chats.isEmpty)
        #expect(settings.wakeSource == nil)
        #expect(settings.logLevel == nil)
        #expect(settings.relay.postsFile == "/home/op/.local/state/dormouse/watch-posts.json")
        #expect(settings.relay.defaultChannel == nil)
        #expect(settings.relay.throttle == .milliseconds(500))
        #expect(settings.relay.maxActiveSessions == 20)
        #expect(settings.relay.circuitBreakerThreshold == 5)
        #expect(settings.relay.circuitBreakerCooldown == .seconds(30))
        #expect(
            settings.control
                == .init(pidFile: "/home/op/.local/state/dormouse/watch.pid", healthHost: "127.0.0.1", healthPort: 9090)
        )
    }

    @Test func readsEveryDaemonVariable() throws {
        let settings = try WatcherEnvironment.settings(from: [
            "HOME": "/home/op", "MM_BASE_URL": "https://chat.example.com/", "MM_BOT_TOKEN": "tok3n",
            "DEFAULT_CHANNEL": "abc123def456ghi789jkl012mn", "THROTTLE_MS": "750", "MAX_ACTIVE_SESSIONS": "3",
            "CIRCUIT_BREAKER_THRESHOLD": "7", "CIRCUIT_BREAKER_COOLDOWN_S": "12", "HEALTH_HOST": "0.0.0.0",
            "HEALTH_PORT": "0", "LOG_LEVEL": "DEBUG", "PID_FILE": "/run/dm/w.pid",
            "WATCH_STATE_FILE": "/var/lib/w/o.json",
            "DORMOUSE_URL": "http://127.0.0.1:7070", "DORMOUSE_API_TOKEN": "api-tok",
        ])
        #expect(
            settings.chats == [
                .init(
                    kind: .mattermost, url: "https://chat.example.com", token: "tok3n",
                    defaultTarget: "abc123def456ghi789jkl012mn")
            ])
        #expect(settings.relayConfigurations.first?.relay.defaultChannel == "abc123def456ghi789jkl012mn")
        #expect(settings.relay.throttle == .milliseconds(750))
        #expect(settings.relay.maxActiveSessions == 3)
        #expect(settings.relay.circuitBreakerThreshold == 7)
        #expect(settings.relay.circuitBreakerCooldown == .seconds(12))
        #expect(settings.relay.postsFile == "/var/lib/w/watch-posts.json")
        #expect(settings.control == .init(pidFile: "/run/dm/w.pid", healthHost: "0.0.0.0", healthPort: 0))
        #expect(settings.logLevel == .debug)
        #expect(settings.wakeSource?.url == "http://127.0.0.1:7070")
        #expect(settings.wakeSource?.token == "api-tok")
    }

    @Test func postsFileFollowsItsOwnVariableOrTheOffsets() throws {
        let own = try WatcherEnvironment.settings(from: ["HOME": "/h", "WATCH_POSTS_FILE": "/p/posts.json"])
        #expect(own.relay.postsFile == "/p/posts.json")
        let none = try WatcherEnvironment.settings(from: ["HOME": "/h", "WATCH_STATE_FILE": ""])
        #expect(none.relay.postsFile == nil)
        let disabled = try WatcherEnvironment.settings(from: ["HOME": "/h", "WATCH_POSTS_FILE": ""])
        #expect(disabled.relay.postsFile == nil)
    }

    @Test(arguments: [
        (["IDLE_TIMEOUT_S": "0"], "IDLE_TIMEOUT_S"), (["MAX_STATUS_LINES": "many"], "MAX_STATUS_LINES"),
        (["POLL_INTERVAL_MS": "-5"], "POLL_INTERVAL_MS"), (["WATCH_SOURCES": "openclaw,cursor"], "WATCH_SOURCES"),
        (["TOOL_LABELS_FILE": "/nonexistent/labels.json"], "TOOL_LABELS_FILE"),
        (["THROTTLE_MS": "0"], "THROTTLE_MS"), (["MAX_ACTIVE_SESSIONS": "x"], "MAX_ACTIVE_SESSIONS"),
        (["CIRCUIT_BREAKER_THRESHOLD": "-1"], "CIRCUIT_BREAKER_THRESHOLD"),
        (["CIRCUIT_BREAKER_COOLDOWN_S": "1.5"], "CIRCUIT_BREAKER_COOLDOWN_S"),
        (["MAX_MESSAGE_CHARS": "0"], "MAX_MESSAGE_CHARS"),
        (["HEALTH_PORT": "70000"], "HEALTH_PORT"), (["HEALTH_PORT": "http"], "HEALTH_PORT"),
        (["LOG_LEVEL": "loud"], "LOG_LEVEL"), (["DEFAULT_CHANNEL": "town square"], "DEFAULT_CHANNEL"),
        (["MM_BASE_URL": "chat.example.com", "MM_BOT_TOKEN": "t"], "MM_BASE_URL"),
        (["MM_BASE_URL": "ftp://chat.example.com", "MM_BOT_TOKEN": "t"], "MM_BASE_URL"),
        (["MM_BASE_URL": "https://chat.example.com"], "MM_BOT_TOKEN"),
        (["DORMOUSE_URL": "localhost:7070"], "DORMOUSE_URL"),
    ])
    func badValuesAreRefusedNamingTheVariable(environment: [String: String], variable: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try WatcherEnvironment.settings(from: environment.merging(["HOME": "/h"]) { a, _ in a })
        }
        #expect(error?.description.contains(variable) == true, "\(String(describing: error))")
    }

    static let secret = "s3cr3t-T0KEN-value"

    @Test(arguments: [
        ["MM_BASE_URL": "https://chat.example.com", "MM_BOT_TOKEN": "\(secret) with space"],
        ["MM_BASE_URL": "https://chat.example.com", "MM_BOT_TOKEN": "\(secret)\n"],
        ["MM_BASE_URL": "https://bot:\(secret)@chat.example.com", "MM_BOT_TOKEN": secret],
        ["MM_BASE_URL": "not a url \(secret)", "MM_BOT_TOKEN": secret],
        ["DORMOUSE_URL": "https://x:\(secret)@dormouse", "DORMOUSE_API_TOKEN": secret],
        ["MM_BASE_URL": "https://chat.example.com", "MM_BOT_TOKEN": secret, "HEALTH_PORT": "-1"],
    ])
    func errorsNeverQuoteAToken(environment: [String: String]) {
        let error = #expect(throws: ConfigurationError.self) {
            try WatcherEnvironment.settings(from: environment.merging(["HOME": "/h"]) { a, _ in a })
        }
        #expect(error?.description.contains(Self.secret) == false, "\(String(describing: error))")
    }

    @Test func printingTheSettingsNeverShowsATokens() throws {
        let settings = try WatcherEnvironment.settings(from: [
            "HOME": "/h", "MM_BASE_URL": "https://chat.example.com", "MM_BOT_TOKEN": Self.secret,
            "DORMOUSE_URL": "http://127.0.0.1:7070", "DORMOUSE_API_TOKEN": Self.secret,
        ])
        var dumped = ""
        dump(settings, to: &dumped)
        for text in [dumped, "\(settings)", String(reflecting: settings), "\(settings.chats[0])"] {
            #expect(!text.contains(Self.secret))
        }
        #expect(dumped.contains("https://chat.example.com"))
    }
}
