import ArgumentParser
import DormouseClient

/// `dormouse webhooks`: the operator's commands for webhooks.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "List, add and delete the webhooks lifecycle events are POSTed to.",
        discussion: """
            Every audited lifecycle event committed after a webhook is added is POSTed to its URL as the event \
            stream's JSON, signed with its secret (Dormouse-Signature), in audit order, at least once. Talks to \
            the server at --url (env DORMOUSE_URL, default \(ClientConfiguration.defaultURL)) with --token (env \
            DORMOUSE_API_TOKEN).

            Example:
              dormouse webhooks add https://ci.example/hooks/dormouse --type container.lazy_start_failed
              dormouse webhooks list
              dormouse webhooks delete wh_0123456789abcdefghij

            \(CLIExitCode.summary)
            """,
        subcommands: [WebhooksListCommand.self, WebhooksAddCommand.self, WebhooksDeleteCommand.self]
    )
}
