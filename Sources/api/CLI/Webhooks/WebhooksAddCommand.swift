import ArgumentParser
import DormouseClient
import Foundation
import Registry

/// `dormouse webhooks add URL`: adds a webhook, with a secret given or made here.
struct WebhooksAddCommand: ServerCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a webhook: lifecycle events from now on are POSTed to URL, signed.",
        discussion: """
            The secret (at least 32 characters) signs every delivery; the server never shows it again. Give it \
            with --secret-file (a file, or - for standard input; one trailing newline is dropped) or the \
            environment variable DORMOUSE_WEBHOOK_SECRET, which unlike --secret stay out of the process list. \
            Without any, a random one is made and printed once.

            Example:
              dormouse webhooks add https://ci.example/hooks/dormouse
              dormouse webhooks add https://ci.example/hooks/dormouse --secret-file /etc/dormouse/hook.secret \\
                --type container.lazy_start_failed --type container.lazy_stop_failed --instance coder-1

            \(CLIExitCode.summary)
            """
    )

    @OptionGroup var server: ClientOptions

    @Argument(help: "The receiver's http:// or https:// URL.")
    var url: String

    @Option(help: "The signing secret (visible in the process list: prefer --secret-file).")
    var secret: String?

    @Option(name: .customLong("secret-file"), help: "A file holding the secret, or - for standard input.")
    var secretFile: String?

    @Option(name: .customLong("type"), help: "Only this broadcast type, e.g. container.lazy_started (repeatable).")
    var types: [String] = []

    @Option(name: .customLong("instance"), help: "Only this agent's events (repeatable).")
    var instances: [String] = []

    func validate() throws {
        if secret != nil && secretFile != nil { throw ValidationError("give --secret or --secret-file, not both") }
    }

    func run(client: ServerClient, output: CLIOutput) async throws {
        let (secret, made) = try resolvedSecret()
        var fields: [String: JSONValue] = ["url": .string(url), "secret": .string(secret)]
        if !types.isEmpty { fields["types"] = .array(types.map(JSONValue.string)) }
        if !instances.isEmpty { fields["instances"] = .array(instances.map(JSONValue.string)) }
        let reply = try await client.send(.post, "/webhooks", json: .object(fields))
        if output.json { return output.json(reply.body) }
        output.line("added webhook \(reply.json.field("id").cell)")
        if made { output.line("secret (shown once, keep it to verify signatures): \(secret)") }
        output.line(WebhookFormat.details(reply.json, color: output.color))
    }

    /// The secret given, else a random one (64 hex digits); and whether it was made here.
    private func resolvedSecret() throws -> (String, Bool) {
        if let secret { return (secret, false) }
        if let secretFile {
            var text = String(decoding: try CLIInput.data(secretFile), as: UTF8.self)
            if text.hasSuffix("\n") { text.removeLast() }
            return (text, false)
        }
        if let value = ProcessInfo.processInfo.environment["DORMOUSE_WEBHOOK_SECRET"], !value.isEmpty {
            return (value, false)
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return (bytes.map { String(format: "%02x", $0) }.joined(), true)
    }
}
