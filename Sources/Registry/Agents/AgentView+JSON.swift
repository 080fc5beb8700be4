import Lifecycle
import NIOCore

/// The API's JSON form of an agent, written by hand into a buffer around the cached definition JSON:
/// Foundation's encoder, then string growth, were most of the time of listing 1,000 agents.
extension AgentView {
    /// The agent as one JSON object: its definition, `created_at`, `updated_at` and `state`.
    package var jsonText: String {
        var buffer = ByteBufferAllocator().buffer(capacity: agent.jsonPrefix.utf8.count + 320)
        write(to: &buffer)
        return String(buffer: buffer)
    }

    /// Agents as `{"agents": [...]}`.
    package static func listJSON(_ views: [AgentView]) -> ByteBuffer {
        let capacity = views.reduce(64) { $0 + $1.agent.jsonPrefix.utf8.count + 320 }
        var buffer = ByteBufferAllocator().buffer(capacity: capacity)
        buffer.writeStaticString("{\"agents\":[")
        for (index, view) in views.enumerated() {
            if index > 0 { buffer.writeStaticString(",") }
            view.write(to: &buffer)
        }
        buffer.writeStaticString("]}")
        return buffer
    }

    /// Writes the agent's JSON object.
    func write(to buffer: inout ByteBuffer) {
        buffer.writeString(agent.jsonPrefix)
        buffer.writeStaticString(",\"state\":{\"in_flight\":")
        buffer.writeString(String(inFlight))
        buffer.writeStaticString(",\"queued\":")
        buffer.writeString(String(queued))
        buffer.writeStaticString(",\"lifecycle_state\":")
        if let lifecycleState {
            buffer.writeStaticString("\"")
            buffer.writeString(lifecycleState.rawValue)
            buffer.writeStaticString("\"")
        } else {
            buffer.writeStaticString("null")
        }
        buffer.writeStaticString(",\"lifecycle_metrics\":")
        if let lifecycleMetrics {
            buffer.writeString(lifecycleMetrics.json)
        } else {
            buffer.writeStaticString("null")
        }
        buffer.writeStaticString("}}")
    }
}
