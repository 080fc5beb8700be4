import Foundation
import Lifecycle
import Registry
import Testing

/// The `engine` and `swarm` fields of an agent: their JSON (absent when unset, so stored definitions keep their
/// form) and their validation.
@Suite("Agent engine and swarm fields")
struct AgentEngineFieldsTests {
    static func definition(
        mode: AgentDefinition.Mode = .container, container: ContainerBlock? = nil, engine: String? = nil,
        swarm: SwarmBlock? = nil
    ) -> AgentDefinition {
        AgentDefinition(
            name: "w1", mode: mode, container: container, engine: engine, swarm: swarm,
            dispatch: mode == .host
                ? .command(argv: ["true"], timeoutSeconds: 60) : .exec(argv: ["true"], timeoutSeconds: 60))
    }

    @Test func anAgentWithoutTheFieldsIsWrittenWithoutThem() throws {
        let json = String(
            decoding: try JSONEncoder().encode(Self.definition(container: ContainerBlock(image: "busybox"))),
            as: UTF8.self)
        #expect(!json.contains("engine") && !json.contains("swarm"))
    }

    @Test func theFieldsRoundTrip() throws {
        for definition in [
            Self.definition(container: ContainerBlock(image: "busybox"), engine: "edge-2"),
            Self.definition(swarm: SwarmBlock(service: "web")),
            Self.definition(swarm: SwarmBlock(image: "busybox:1.36", command: ["sleep", "1"], env: ["A": "1"])),
        ] {
            let decoded = try JSONDecoder().decode(AgentDefinition.self, from: try JSONEncoder().encode(definition))
            #expect(decoded == definition)
            #expect(decoded.validationErrors().isEmpty)
        }
        #expect(Self.definition(swarm: SwarmBlock(service: "web")).target == nil)
    }

    @Test(arguments: [
        (AgentEngineFieldsTests.definition(swarm: SwarmBlock()), ["swarm"]),
        (AgentEngineFieldsTests.definition(swarm: SwarmBlock(service: "web", image: "busybox")), ["swarm"]),
        (
            AgentEngineFieldsTests.definition(
                container: ContainerBlock(image: "busybox"), swarm: SwarmBlock(service: "web")), ["swarm"]
        ),
        (AgentEngineFieldsTests.definition(swarm: SwarmBlock(service: "-web")), ["swarm.service"]),
        (AgentEngineFieldsTests.definition(swarm: SwarmBlock(image: "UPPER")), ["swarm.image"]),
        (AgentEngineFieldsTests.definition(swarm: SwarmBlock(service: "web", command: ["x"])), ["swarm"]),
        (AgentEngineFieldsTests.definition(swarm: SwarmBlock(image: "busybox", env: ["A=B": "1"])), ["swarm.env"]),
        (AgentEngineFieldsTests.definition(container: ContainerBlock(image: "busybox"), engine: "Edge"), ["engine"]),
        (AgentEngineFieldsTests.definition(mode: .host, engine: "edge"), ["engine"]),
        (AgentEngineFieldsTests.definition(mode: .host, swarm: SwarmBlock(service: "web")), ["swarm"]),
        (AgentEngineFieldsTests.definition(), ["container"]),
    ])
    func invalidFieldsAreNamed(definition: AgentDefinition, fields: [String]) {
        #expect(definition.validationErrors().map(\.field) == fields)
    }
}
