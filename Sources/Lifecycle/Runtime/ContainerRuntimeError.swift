/// An error from a container runtime, carrying the engine's own message.
package struct ContainerRuntimeError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case notFound, conflict, engineUnavailable, engine, invalidResponse, notManaged, notReady, cancelled
    }

    private let code: Code
    /// The engine's message, or what went wrong talking to it.
    package let message: String
    /// The HTTP status the engine answered with, when it answered.
    package let status: Int?

    private init(_ code: Code, _ message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    /// No such container or image.
    package static func notFound(_ message: String) -> Self { .init(.notFound, message, status: 404) }
    /// The name is taken or the container is in a state that refuses the call.
    package static func conflict(_ message: String) -> Self { .init(.conflict, message, status: 409) }
    /// The engine could not be reached.
    package static func engineUnavailable(_ message: String) -> Self { .init(.engineUnavailable, message) }
    /// Any other refusal by the engine.
    package static func engine(status: Int, message: String) -> Self { .init(.engine, message, status: status) }
    /// The engine answered something that could not be understood.
    package static func invalidResponse(_ message: String) -> Self { .init(.invalidResponse, message) }
    /// A container with the wanted name exists but does not carry this agent's label.
    package static func notManaged(_ message: String) -> Self { .init(.notManaged, message) }

    /// The container started but did not become ready: it exited, reported unhealthy, or the start timed out.
    package static func notReady(_ message: String) -> Self { .init(.notReady, message) }
    /// The work was called off (the instance was removed or shut down) before it finished.
    package static func cancelled(_ message: String) -> Self { .init(.cancelled, message) }

    package var isNotFound: Bool { code == .notFound }
    package var isConflict: Bool { code == .conflict }
    package var isEngineUnavailable: Bool { code == .engineUnavailable }
    package var isNotManaged: Bool { code == .notManaged }
    package var isNotReady: Bool { code == .notReady }
    package var isCancelled: Bool { code == .cancelled }

    package var description: String { message }
}
