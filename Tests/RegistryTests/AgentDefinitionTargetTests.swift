import Lifecycle
import Registry
import Testing

@Suite("Agent definition → container")
struct AgentDefinitionTargetTests {
    static func definition(_ lifecycle: LifecyclePolicy.Mode, container: ContainerBlock) -> AgentDefinition {
        AgentDefinition(
            name: "w1", mode: .container, lifecycle: lifecycle, container: container,
            dispatch: .exec(argv: ["true"], timeoutSeconds: 60))
    }

    @Test func onlyAHotWorkersCreatedContainerIsRestartedByTheEngine() throws {
        let block = ContainerBlock(image: "busybox", command: ["sleep", "3600"], env: ["A": "1"])
        guard case .managed(let lazy) = Self.definition(.lazy, container: block).target,
            case .managed(let hot) = Self.definition(.hot, container: block).target
        else {
            Issue.record("an image makes a managed container")
            return
        }
        #expect(!lazy.restartsOnExit && hot.restartsOnExit)
        #expect(lazy.name == "dormouse-w1" && lazy.environment == ["A": "1"])
        // Turning a lazy worker hot (or back) gives it a container created for that lifecycle.
        #expect(lazy.fingerprint != hot.fingerprint)
    }

    @Test func anOperatorsContainerIsDrivenByName() {
        let target = Self.definition(.hot, container: ContainerBlock(name: "theirs")).target
        #expect(target == .existing(name: "theirs"))
    }
}
