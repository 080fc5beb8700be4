import NIOCore

extension KubernetesFake.State {
    /// A watch: from `resourceVersion` when given (every later change of a matching object, then the live ones;
    /// a version older than the compacted history is answered with one ERROR event holding a 410 Expired Status
    /// and the stream ends, as the watch cache does); without one, an ADDED event for each matching object
    /// first. BOOKMARK events go only to watches that asked with `allowWatchBookmarks=true`.
    mutating func watch(namespace: String, _ query: [String: String]) -> KubernetesFake.Reply {
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        let watcher = KubernetesFake.Watcher(
            namespace: namespace, name: Self.selectedName(query), bookmarks: query["allowWatchBookmarks"] == "true",
            continuation: continuation)
        if let raw = query["resourceVersion"], !raw.isEmpty, raw != "0" {
            guard let version = Int(raw) else {
                continuation.yield(Self.expired("invalid resource version \(raw)", code: 400, reason: "BadRequest"))
                continuation.finish()
                return .stream(stream)
            }
            if version < compactedBelow {
                continuation.yield(
                    Self.expired(
                        "too old resource version: \(version) (\(compactedBelow))", code: 410, reason: "Expired"))
                continuation.finish()
                return .stream(stream)
            }
            for event in history where event.resourceVersion > version && watcher.matches(event.deployment) {
                continuation.yield(KubernetesFake.eventLine(type: event.type, object: event.deployment.json))
            }
        } else {
            for deployment in deployments.values where watcher.matches(deployment) {
                continuation.yield(KubernetesFake.eventLine(type: "ADDED", object: deployment.json))
            }
        }
        let id = nextWatcher
        nextWatcher += 1
        watchers[id] = watcher
        return .stream(stream)
    }

    static func expired(_ message: String, code: Int, reason: String) -> ByteBuffer {
        KubernetesFake.eventLine(
            type: "ERROR", object: KubernetesFake.status(code: code, reason: reason, message: message))
    }
}
