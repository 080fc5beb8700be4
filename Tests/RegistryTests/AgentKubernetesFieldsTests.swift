import Foundation
import Lifecycle
import Registry
import Testing

/// The `kubernetes` field of an agent: its JSON (absent when unset), its validation and the Deployment it names.
@Suite("Agent kubernetes field")
struct AgentKubernetesFieldsTests {
    static func definition(
        kubernetes: KubernetesBlock? = KubernetesBlock(namespace: "agents", deployment: "worker"),
        container: ContainerBlock? = nil, engine: String? = nil, pauseAfterSeconds: Int? = nil,
        dispatch: DispatchMethod = .http(port: 8080, path: "/task", timeoutSeconds: 60)
    ) -> AgentDefinition {
        AgentDefinition(
            name: "w1", mode: .container, container: container, engine: engine, kubernetes: kubernetes,
            pauseAfterSeconds: pauseAfterSeconds, dispatch: dispatch)
    }

    @Test func theBlockRoundTripsAndNamesItsDeployment() throws {
        let definition = Self.definition(kubernetes: KubernetesBlock(deployment: "worker", service: "worker-http"))
        let json = try JSONEncoder().encode(definition)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["kubernetes"] as? [String: String] == ["deployment": "worker", "service": "worker-http"])
        #expect(try JSONDecoder().decode(AgentDefinition.self, from: json) == definition)
        #expect(definition.validationErrors().isEmpty)
        #expect(definition.target == nil)
        let target = try #require(definition.kubernetes).target(defaultNamespace: "dormouse")
        #expect(target.deployment == KubernetesDeploymentRef(namespace: "dormouse", name: "worker"))
        #expect(target.serviceHost == "worker-http.dormouse.svc")
    }

    @Test func anUnknownKeyInTheBlockIsRefused() {
        let json =
            #"{"name":"w1","mode":"container","kubernetes":{"deployment":"w","replicas":1},"#
            + #""dispatch":{"type":"http","port":80}}"#
        #expect(throws: (any Error).self) { try JSONDecoder().decode(AgentDefinition.self, from: Data(json.utf8)) }
    }

    @Test(arguments: [
        (
            AgentKubernetesFieldsTests.definition(kubernetes: KubernetesBlock(deployment: "Worker")),
            ["kubernetes.deployment"]
        ),
        (
            AgentKubernetesFieldsTests.definition(kubernetes: KubernetesBlock(namespace: "a_b", deployment: "w")),
            ["kubernetes.namespace"]
        ),
        (
            AgentKubernetesFieldsTests.definition(kubernetes: KubernetesBlock(deployment: "w", service: "-svc")),
            ["kubernetes.service"]
        ),
        (AgentKubernetesFieldsTests.definition(container: ContainerBlock(image: "busybox")), ["kubernetes"]),
        (AgentKubernetesFieldsTests.definition(engine: "edge"), ["engine"]),
        (AgentKubernetesFieldsTests.definition(pauseAfterSeconds: 10), ["pause_after_s"]),
        (AgentKubernetesFieldsTests.definition(dispatch: .exec(argv: ["true"], timeoutSeconds: 60)), ["dispatch.type"]),
    ])
    func invalidFieldsAreNamed(definition: AgentDefinition, fields: [String]) {
        #expect(definition.validationErrors().map(\.field) == fields)
    }
}
