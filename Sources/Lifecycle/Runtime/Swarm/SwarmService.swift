import Foundation

/// A Swarm service as the engine describes it, with its spec kept as raw JSON so that it can be sent back with
/// nothing changed but what Dormouse means to change (the replica count).
package struct SwarmService: Sendable, Hashable {
    package var id: String
    package var name: String
    /// The version index an update must name (`POST /services/{id}/update?version=N`).
    package var version: UInt64
    /// The key under the spec's `Mode`: `Replicated`, `Global`, `ReplicatedJob` or `GlobalJob`.
    package var mode: String
    /// The wanted number of tasks; nil unless the service is replicated (a global service runs one per node).
    package var replicas: Int?
    /// The service's own labels (`Spec.Labels`), not its containers'.
    package var labels: [String: String]
    /// The image the tasks run (`Spec.TaskTemplate.ContainerSpec.Image`).
    package var image: String?
    /// `Spec` as the engine sent it, as a JSON object with sorted keys.
    package var spec: Data

    package init(
        id: String, name: String, version: UInt64, mode: String, replicas: Int?, labels: [String: String],
        image: String?, spec: Data
    ) {
        self.id = id
        self.name = name
        self.version = version
        self.mode = mode
        self.replicas = replicas
        self.labels = labels
        self.image = image
        self.spec = spec
    }

    /// Reads the body of `GET /services/{id}`.
    package init(json: Data) throws {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
            let id = object["ID"] as? String,
            let version = ((object["Version"] as? [String: Any])?["Index"] as? NSNumber)?.uint64Value,
            let spec = object["Spec"] as? [String: Any]
        else { throw ContainerRuntimeError.invalidResponse("could not read the engine's service description") }
        let mode = spec["Mode"] as? [String: Any] ?? [:]
        let modeName = mode.keys.sorted().first ?? "Replicated"
        let replicated = mode["Replicated"] as? [String: Any]
        let containerSpec = (spec["TaskTemplate"] as? [String: Any])?["ContainerSpec"] as? [String: Any]
        self.init(
            id: id, name: spec["Name"] as? String ?? id, version: version, mode: modeName,
            // An absent count in a replicated spec is what the engine stores as 0.
            replicas: replicated.map { ($0["Replicas"] as? NSNumber)?.intValue ?? 0 },
            labels: spec["Labels"] as? [String: String] ?? [:], image: containerSpec?["Image"] as? String,
            spec: try Self.serialize(spec))
    }

    /// The spec with `Mode.Replicated.Replicas` set to `replicas` and every other field as read. Throws
    /// `.notManaged` for a service that is not replicated: Dormouse never changes a service's mode.
    package func spec(withReplicas replicas: Int) throws -> Data {
        guard self.replicas != nil,
            var tree = try? JSONSerialization.jsonObject(with: spec) as? [String: Any],
            var mode = tree["Mode"] as? [String: Any], var replicated = mode["Replicated"] as? [String: Any]
        else { throw notScalable }
        replicated["Replicas"] = replicas
        mode["Replicated"] = replicated
        tree["Mode"] = mode
        return try Self.serialize(tree)
    }

    /// Why the service cannot be scaled: only a replicated service has a replica count.
    var notScalable: ContainerRuntimeError {
        .notManaged(
            "service \(name) runs in \(mode.lowercased()) mode: Dormouse scales only replicated services"
                + " (a global service runs one task on every node and has no replica count)")
    }

    static func serialize(_ tree: [String: Any]) throws -> Data {
        do {
            return try JSONSerialization.data(withJSONObject: tree, options: [.sortedKeys, .withoutEscapingSlashes])
        } catch {
            throw ContainerRuntimeError.invalidResponse("could not write the service spec back: \(error)")
        }
    }
}
