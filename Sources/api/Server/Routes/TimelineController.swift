import Hummingbird
import Lifecycle
import NIOCore
import Registry

/// `GET /timeline` and `GET /agents/{name}/timeline`: the workers' awake, paused and asleep spans over a window,
/// their wakes and the time they slept, from the audit log.
struct TimelineController<C: Clock<Duration>>: Sendable {
    let registry: AgentRegistry<C>
    let wallClock: WallClock

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/timeline") { request, _ in
            RequestJSON.response(
                jsonBuffer: ByteBuffer(bytes: try await registry.timeline(window: try window(of: request)).jsonBytes))
        }
        router.get("/agents/{name}/timeline") { request, context in
            let name = try context.parameters.require("name")
            let timeline = try await registry.timeline(of: name, window: try window(of: request))
            return RequestJSON.response(jsonBuffer: ByteBuffer(bytes: timeline.jsonBytes))
        }
    }

    /// `since` and `until` in epoch milliseconds, `step_ms` from one second to a day.
    private func window(of request: Request) throws -> TimelineWindow {
        let since = try Query.integer("since", in: request, range: 0...Int.max)
        let until = try Query.integer("until", in: request, range: 1...Int.max)
        let step = try Query.integer("step_ms", in: request, range: 1_000...86_400_000)
        do {
            return try TimelineWindow.requested(
                since: since.map(Int64.init), until: until.map(Int64.init), step: step.map(Int64.init),
                now: wallClock.millisecondsSinceEpoch)
        } catch {
            throw Query.invalid(error.parameter, error.message)
        }
    }
}
