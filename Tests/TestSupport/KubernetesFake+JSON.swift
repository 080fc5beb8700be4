import Foundation
import NIOCore

extension KubernetesFake.Deployment {
    /// The object as the API server serializes it: zero-valued status fields are omitted (`omitempty`).
    var json: [String: Any] {
        var metadata: [String: Any] = [
            "name": name, "namespace": namespace, "uid": uid, "resourceVersion": "\(resourceVersion)",
            "generation": generation,
        ]
        if !labels.isEmpty { metadata["labels"] = labels }
        if !annotations.isEmpty { metadata["annotations"] = annotations }
        var status: [String: Any] = ["observedGeneration": observedGeneration]
        if statusReplicas > 0 { status["replicas"] = statusReplicas }
        if readyReplicas > 0 {
            status["readyReplicas"] = readyReplicas
            status["availableReplicas"] = readyReplicas
        }
        let spec: [String: Any] = ["replicas": specReplicas, "selector": ["matchLabels": ["app": name]]]
        return ["kind": "Deployment", "apiVersion": "apps/v1", "metadata": metadata, "spec": spec, "status": status]
    }

    /// Its `autoscaling/v1` Scale.
    var scaleJSON: [String: Any] {
        let metadata: [String: Any] = [
            "name": name, "namespace": namespace, "uid": uid, "resourceVersion": "\(resourceVersion)",
            "creationTimestamp": "2026-01-01T00:00:00Z",
        ]
        // spec.replicas is omitted at 0, as every zero value.
        let spec: [String: Any] = specReplicas > 0 ? ["replicas": specReplicas] : [:]
        let status: [String: Any] = ["replicas": statusReplicas, "selector": "app=\(name)"]
        return ["kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": metadata, "spec": spec, "status": status]
    }
}

extension KubernetesFake {
    static func data(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    /// One watch event: a JSON object and a newline, as the API server writes it.
    static func eventLine(type: String, object: [String: Any]) -> ByteBuffer {
        var line = data(["type": type, "object": object])
        line.append(UInt8(ascii: "\n"))
        return ByteBuffer(bytes: line)
    }

    /// A meta/v1 Status, the body of every refusal.
    static func status(code: Int, reason: String, message: String, details: [String: Any]? = nil) -> [String: Any] {
        var status: [String: Any] = [
            "kind": "Status", "apiVersion": "v1", "metadata": [String: Any](), "status": "Failure",
            "message": message, "reason": reason, "code": code,
        ]
        if let details { status["details"] = details }
        return status
    }

    static func notFound(_ name: String) -> [String: Any] {
        status(
            code: 404, reason: "NotFound", message: "deployments.apps \"\(name)\" not found",
            details: ["name": name, "group": "apps", "kind": "deployments"])
    }

    static func conflict(_ name: String) -> [String: Any] {
        status(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on deployments.apps \"\(name)\": the object has been modified;"
                + " please apply your changes to the latest version and try again",
            details: ["name": name, "group": "apps", "kind": "deployments"])
    }
}
