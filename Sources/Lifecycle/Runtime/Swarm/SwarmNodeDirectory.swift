import Synchronization

/// Which of Dormouse's engines is which swarm node: a Swarm worker's task runs on some node, and an `exec`
/// reaches its container only through that node's own engine. Each engine's node id is read from its
/// `GET /info` the first time a task is looked for and kept; an engine that did not answer is asked again next
/// time.
package final class SwarmNodeDirectory: Sendable {
    private let engines: [DockerEngineRuntime]
    private let known = Mutex<[String: Int]>([:])

    package init(engines: [DockerEngineRuntime]) {
        self.engines = engines
    }

    /// The engine of the node `nodeID`, or nil when none of Dormouse's engines is that node.
    package func runtime(forNode nodeID: String) async -> (any ContainerRuntime)? {
        if let index = known.withLock({ $0[nodeID] }) { return engines[index] }
        let asked = known.withLock { Set($0.values) }
        for (index, engine) in engines.enumerated() where !asked.contains(index) {
            guard let id = try? await SwarmServices(engine: engine).nodeID() else { continue }
            known.withLock { $0[id] = index }
            if id == nodeID { return engine }
        }
        return nil
    }
}
