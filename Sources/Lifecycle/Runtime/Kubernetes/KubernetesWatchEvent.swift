import Foundation

/// One event of a Deployment watch, as the API server frames it: a JSON object per line,
/// `{"type": "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR", "object": ...}`.
enum KubernetesWatchEvent: Sendable, Hashable {
    case added(KubernetesDeploymentSnapshot)
    case modified(KubernetesDeploymentSnapshot)
    case deleted(KubernetesDeploymentSnapshot)
    /// Nothing changed for this watch up to `resourceVersion`: resume from it (`allowWatchBookmarks`).
    case bookmark(resourceVersion: String)
    /// The server ended the watch with a Status; code 410 (Gone) means the resource version was compacted away.
    case error(code: Int?, reason: String?, message: String)

    /// Decodes one line of the stream; throws `ContainerRuntimeError.invalidResponse` for anything else.
    static func decode(_ line: [UInt8]) throws -> KubernetesWatchEvent {
        let data = Data(line)
        let decoder = JSONDecoder()
        do {
            let type = try decoder.decode(KubernetesModels.WatchEnvelope.self, from: data).type
            switch type {
            case "ADDED", "MODIFIED", "DELETED":
                let object = try decoder.decode(
                    KubernetesModels.WatchEvent<KubernetesModels.Deployment>.self, from: data
                ).object
                let snapshot = KubernetesDeploymentSnapshot(object)
                return type == "ADDED"
                    ? .added(snapshot) : type == "MODIFIED" ? .modified(snapshot) : .deleted(snapshot)
            case "BOOKMARK":
                let object = try decoder.decode(
                    KubernetesModels.WatchEvent<KubernetesModels.Deployment>.self, from: data
                ).object
                return .bookmark(resourceVersion: object.metadata.resourceVersion ?? "")
            case "ERROR":
                let status = try decoder.decode(KubernetesModels.WatchEvent<KubernetesModels.Status>.self, from: data)
                    .object
                return .error(code: status.code, reason: status.reason, message: status.message ?? "watch error")
            default:
                throw ContainerRuntimeError.invalidResponse("unknown watch event type \(type)")
            }
        } catch let error as ContainerRuntimeError {
            throw error
        } catch {
            throw ContainerRuntimeError.invalidResponse("unreadable watch event: \(error)")
        }
    }
}
