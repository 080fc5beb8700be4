import DormouseClient
import Registry

/// How webhooks read in a terminal: a table for the list, label/value lines for one.
enum WebhookFormat {
    /// The `webhooks list` table.
    static func table(_ webhooks: [JSONValue], color: Bool) -> String {
        var table = Table(headers: ["ID", "URL", "STATE", "LAG", "DELIVERED", "FAILED", "LAST ERROR"])
        table.rows = webhooks.map { webhook in
            [
                webhook.field("id").cell, webhook.field("url").cell, webhook.field("state").cell,
                webhook.field("lag").cell, webhook.field("delivered").cell, webhook.field("failed").cell,
                webhook.field("last_error").cell,
            ]
        }
        table.paint = { column, cell in column == 2 ? paintState(cell) : cell }
        return table.render(color: color)
    }

    /// The lines of one webhook (after `add`).
    static func details(_ webhook: JSONValue, color: Bool) -> String {
        func list(_ value: JSONValue) -> String {
            value.isNull ? "all" : value.arrayValue.map(\.cell).joined(separator: ", ")
        }
        let state = webhook.field("state").cell
        return Table.details(
            [
                ("id", webhook.field("id").cell),
                ("url", webhook.field("url").cell),
                ("types", list(webhook.field("types"))),
                ("instances", list(webhook.field("instances"))),
                ("secret", webhook.field("secret_hint").cell),
                ("state", color ? paintState(state) : state),
                ("cursor", webhook.field("cursor").cell),
            ], color: color)
    }

    private static func paintState(_ state: String) -> String {
        state == "failing" ? ANSI.red(state) : ANSI.green(state)
    }
}
