import Foundation
import Testing

@testable import Watcher

/// Tests of `OpenClawRegistry`.
@Suite struct OpenClawRegistryTests {
    static let registry = """
        {
          "agent:main:main": {"sessionId": "s-main", "updatedAt": 1772975021786, "label": "Main",
            "deliveryContext": {"channel": "mattermost", "to": "user:u1"}},
          "agent:main:mattermost:channel:c9:thread:p1": {"sessionId": "s-thread", "sessionFile": "/abs/s-thread.jsonl"},
          "agent:main:subagent:42": {"sessionId": "s-sub", "spawnedBy": "agent:main:main", "spawnDepth": 1,
            "lastChannel": "mattermost", "lastTo": "channel:c2"},
          "agent:main:broken": {"label": "no session id"}
        }
        """

    @Test func parsesEntriesAndRoutes() throws {
        let sessions = try OpenClawRegistry.parse(Data(Self.registry.utf8), agentID: "main", sessionsDirectory: "/r")
        #expect(
            sessions.map(\.key) == [
                "agent:main:main", "agent:main:mattermost:channel:c9:thread:p1", "agent:main:subagent:42",
            ])
        let main = sessions[0]
        #expect(main.transcriptPath == "/r/s-main.jsonl")
        #expect(main.label == "Main")
        #expect(main.updatedAt == 1_772_975_021_786)
        #expect(main.route == ChatRoute(channel: "mattermost", to: "user:u1"))
        #expect(sessions[1].transcriptPath == "/abs/s-thread.jsonl")
        #expect(sessions[1].route == ChatRoute(channel: "mattermost", to: "channel:c9", threadID: "p1"))
        #expect(sessions[2].parentKey == "agent:main:main")
        #expect(sessions[2].spawnDepth == 1)
        #expect(sessions[2].route == ChatRoute(channel: "mattermost", to: "channel:c2"))
    }

    @Test(arguments: ["", "{\"agent:main:main\": {\"sessionId\": ", "[]", "{\"k\": 3}"])
    func halfWrittenOrMalformedThrows(text: String) {
        #expect(throws: (any Error).self) {
            try OpenClawRegistry.parse(Data(text.utf8), agentID: "main", sessionsDirectory: "/r")
        }
    }

    @Test(
        arguments: [
            ("agent:main:main", nil),
            ("agent:x:mattermost:channel:abc", ChatRoute(channel: "mattermost", to: "channel:abc")),
            ("agent:x:slack:channel:abc:thread:t1", ChatRoute(channel: "slack", to: "channel:abc", threadID: "t1")),
        ] as [(String, ChatRoute?)])
    func routeFromKey(key: String, route: ChatRoute?) {
        #expect(OpenClawRegistry.route(fromKey: key) == route)
    }
}
