/// Why the registry refused a request. The API maps each code to an HTTP status at its edge.
package struct RegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One invalid field and what is wrong with it.
    package struct FieldError: Sendable, Hashable, Codable {
        package var field: String
        package var message: String

        package init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    /// The kinds of refusal.
    package enum Code: Sendable, Hashable {
        /// Values that fail validation.
        case invalid
        /// No agent or task of that name or id.
        case notFound
        /// An agent of that name exists.
        case nameTaken
        /// The change or action conflicts with the agent's current work or mode.
        case conflict
        /// The agent's queue is full.
        case queueFull
        /// The container engine cannot be reached.
        case engineUnavailable
        /// Dormouse is shutting down.
        case shuttingDown
        /// Host-mode agents are not enabled on this server (`DORMOUSE_ALLOW_HOST_AGENTS`).
        case hostAgentsDisabled
    }

    package let code: Code
    package let message: String
    package let fieldErrors: [FieldError]

    init(_ code: Code, _ message: String, fieldErrors: [FieldError] = []) {
        self.code = code
        self.message = message
        self.fieldErrors = fieldErrors
    }

    package var description: String { message }

    static func invalid(_ errors: [FieldError]) -> RegistryError {
        let summary = errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
        return RegistryError(.invalid, "invalid agent: \(summary)", fieldErrors: errors)
    }

    /// Why a host-mode agent is refused on a server that does not allow them: names the setting.
    static func hostAgentsDisabled(_ name: String) -> RegistryError {
        let message =
            "agent \"\(name)\" is a host-mode agent, and host-mode agents are disabled on this server: they run "
            + "commands as the server's user; start the server with DORMOUSE_ALLOW_HOST_AGENTS=1 "
            + "(or dormouse serve --allow-host-agents) to allow them"
        return RegistryError(.hostAgentsDisabled, message, fieldErrors: [.init(field: "mode", message: message)])
    }

    static func agentNotFound(_ name: String) -> RegistryError {
        RegistryError(.notFound, "no agent named \"\(name)\"")
    }
}
