import ArgumentParser
import DormouseClient

/// `dormouse webhooks list`: every webhook with its delivery state.
struct WebhooksListCommand: ServerCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every webhook with its delivery state (never its secret).",
        discussion: """
            STATE is "failing" after DORMOUSE_WEBHOOK_FAILING_AFTER failed attempts in a row (deliveries go on \
            being retried); LAG counts the audit ids not delivered yet.

            Example:
              dormouse webhooks list
              dormouse webhooks list --json | jq '.webhooks[] | select(.state == "failing")'

            \(CLIExitCode.summary)
            """
    )

    @OptionGroup var server: ClientOptions

    func run(client: ServerClient, output: CLIOutput) async throws {
        let reply = try await client.send(.get, "/webhooks")
        if output.json { return output.json(reply.body) }
        output.line(WebhookFormat.table(reply.json.field("webhooks").arrayValue, color: output.color))
    }
}
