import Foundation
import Logging
import NIOHTTP1

extension KubernetesAPI {
    /// Sets the Deployment's replica count through its `scale` subresource: reads the Scale, then writes it back
    /// with the read `resourceVersion` and only `spec.replicas` changed, so a write that raced another writer
    /// is refused (409 Conflict) instead of undoing it; then it is read and written again, up to `updateAttempts`
    /// writes in all. Nothing is written when the count already is `replicas`.
    ///
    /// `afterRead` runs between each read and its write; tests use it to provoke conflicts.
    package func scale(
        _ ref: KubernetesDeploymentRef, to replicas: Int,
        afterRead: @Sendable (_ resourceVersion: String) async throws -> Void = { _ in }
    ) async throws {
        precondition(replicas >= 0, "a replica count is never negative")
        var attempt = 1
        while true {
            var scale = try await readScale(ref)
            guard scale.spec?.replicas != replicas else { return }
            try await afterRead(scale.metadata.resourceVersion ?? "")
            scale.spec = .init(replicas: replicas)
            scale.status = nil
            do {
                try await writeScale(scale, of: ref)
                return
            } catch let error as ContainerRuntimeError where error.isConflict && attempt < updateAttempts {
                attempt += 1
                logger.debug(
                    "deployment changed since its scale was read; reading it again",
                    metadata: ["deployment": "\(ref)", "attempt": "\(attempt)"])
            }
        }
    }

    func readScale(_ ref: KubernetesDeploymentRef) async throws -> KubernetesModels.Scale {
        let (status, body) = try await request(.GET, "\(ref.path)/scale")
        guard status == 200 else { throw error(status: status, body: body, about: ref) }
        return try Self.decode(KubernetesModels.Scale.self, from: body)
    }

    private func writeScale(_ scale: KubernetesModels.Scale, of ref: KubernetesDeploymentRef) async throws {
        let (status, body) = try await request(.PUT, "\(ref.path)/scale", json: try JSONEncoder().encode(scale))
        guard status == 200 else { throw error(status: status, body: body, about: ref) }
    }
}
