import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

extension KubernetesFake {
    /// A finished answer, or a watch stream.
    enum Reply {
        case body(Int, Data)
        case stream(AsyncStream<ByteBuffer>)

        /// An answer with `object` serialized as JSON.
        static func json(_ status: Int, _ object: [String: Any]) -> Reply {
            .body(status, KubernetesFake.data(object))
        }

        var status: Int {
            if case .body(let status, _) = self { return status }
            return 200
        }
    }

    /// Records the request and answers it: the token first (401), then the route.
    func respond(to request: Request) async -> Response {
        var request = request
        let body = (try? await request.collectBody(upTo: 4 * 1024 * 1024)) ?? ByteBuffer()
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        var recorded = RecordedRequest(
            method: request.method.rawValue, path: request.uri.path, query: query,
            authorization: request.headers[.authorization], body: Data(body.readableBytesView), status: 0)
        let reply = state.withLock { state in
            let reply =
                recorded.authorization == "Bearer \(token)"
                ? state.route(recorded)
                : .json(401, Self.status(code: 401, reason: "Unauthorized", message: "Unauthorized"))
            recorded.status = reply.status
            state.requests.append(recorded)
            return reply
        }
        changes.notify()
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        switch reply {
        case .body(let status, let data):
            return Response(
                status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        case .stream(let events):
            return Response(status: .ok, headers: headers, body: ResponseBody(asyncSequence: events))
        }
    }
}

extension KubernetesFake.State {
    /// `/apis/apps/v1/namespaces/{namespace}/deployments[/{name}[/scale]]`; anything else is a 404.
    mutating func route(_ request: KubernetesFake.RecordedRequest) -> KubernetesFake.Reply {
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.count >= 6, parts[0...2] == ["apis", "apps", "v1"], parts[3] == "namespaces",
            parts[5] == "deployments"
        else {
            return .json(
                404,
                KubernetesFake.status(
                    code: 404, reason: "NotFound", message: "the server could not find the requested resource"))
        }
        let namespace = parts[4]
        switch (request.method, parts.count) {
        case ("GET", 6) where request.isWatch: return watch(namespace: namespace, request.query)
        case ("GET", 6): return list(namespace: namespace, request.query)
        case ("GET", 7): return get(namespace, parts[6], scale: false)
        case ("GET", 8) where parts[7] == "scale": return get(namespace, parts[6], scale: true)
        case ("PUT", 8) where parts[7] == "scale": return putScale(namespace, parts[6], body: request.body)
        default:
            return .json(
                405,
                KubernetesFake.status(
                    code: 405, reason: "MethodNotAllowed",
                    message: "the server does not allow this method on the requested resource"))
        }
    }

    private func get(_ namespace: String, _ name: String, scale: Bool) -> KubernetesFake.Reply {
        guard let deployment = deployments["\(namespace)/\(name)"] else {
            return .json(404, KubernetesFake.notFound(name))
        }
        return .json(200, scale ? deployment.scaleJSON : deployment.json)
    }

    /// A list at the current revision, filtered by `fieldSelector=metadata.name=NAME` when given.
    private func list(namespace: String, _ query: [String: String]) -> KubernetesFake.Reply {
        let name = Self.selectedName(query)
        let items = deployments.values.filter { $0.namespace == namespace && (name == nil || $0.name == name) }
            .sorted { $0.name < $1.name }
        return .json(
            200,
            [
                "kind": "DeploymentList", "apiVersion": "apps/v1", "metadata": ["resourceVersion": "\(revision)"],
                "items": items.map(\.json),
            ])
    }

    static func selectedName(_ query: [String: String]) -> String? {
        guard let selector = query["fieldSelector"], selector.hasPrefix("metadata.name=") else { return nil }
        return String(selector.dropFirst("metadata.name=".count))
    }

    /// The scale subresource's update: a stale `metadata.resourceVersion` is a 409 Conflict (an empty one
    /// updates unconditionally), a negative count a 422.
    private mutating func putScale(_ namespace: String, _ name: String, body: Data) -> KubernetesFake.Reply {
        let key = "\(namespace)/\(name)"
        guard var deployment = deployments[key] else { return .json(404, KubernetesFake.notFound(name)) }
        guard let scale = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let metadata = scale["metadata"] as? [String: Any]
        else {
            return .json(
                400, KubernetesFake.status(code: 400, reason: "BadRequest", message: "the body is not a Scale"))
        }
        if interferences > 0 {
            // Another writer gets there first (a label or an annotation changed: a new resourceVersion).
            interferences -= 1
            deployment.annotations["fake/interference"] = "\(revision)"
            write(deployment)
            deployment = deployments[key] ?? deployment
        }
        if let version = metadata["resourceVersion"] as? String, !version.isEmpty,
            version != "\(deployment.resourceVersion)"
        {
            return .json(409, KubernetesFake.conflict(name))
        }
        let replicas = (scale["spec"] as? [String: Any])?["replicas"] as? Int ?? 0
        guard replicas >= 0 else {
            return .json(
                422,
                KubernetesFake.status(
                    code: 422, reason: "Invalid",
                    message:
                        "Scale.autoscaling \"\(name)\" is invalid: spec.replicas: Invalid value: \(replicas): must be greater than or equal to 0"
                ))
        }
        setReplicas(key, to: replicas)
        return .json(200, deployments[key]?.scaleJSON ?? [:])
    }
}
