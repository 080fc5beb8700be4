import ArgumentParser
import DormouseClient
import Registry

/// `dormouse webhooks delete ID`: stops delivering to a webhook and forgets it.
struct WebhooksDeleteCommand: ServerCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a webhook: deliveries to it stop at once.",
        discussion: """
            Example:
              dormouse webhooks delete wh_0123456789abcdefghij

            \(CLIExitCode.summary)
            """
    )

    @OptionGroup var server: ClientOptions

    @Argument(help: "The webhook's id (see `dormouse webhooks list`).")
    var id: String

    func run(client: ServerClient, output: CLIOutput) async throws {
        _ = try await client.send(.delete, "/webhooks/\(ServerClient.escape(id))")
        if output.json { return output.line(JSONValue.object(["deleted": .string(id)]).jsonText) }
        output.line("deleted webhook \(id)")
    }
}
