import Foundation
import Lifecycle
import Registry

/// How a lifecycle audit row is broadcast: the one place the internal short names become the public
/// `container.*` types, and the Server-Sent Events frame that carries them.
enum EventFrame {
    /// The broadcast type of an internal event type.
    static func broadcastType(of type: String) -> String {
        switch type {
        case "lazy_start": "container.lazy_started"
        case "lazy_stop": "container.lazy_stopped"
        case "lazy_start_failed": "container.lazy_start_failed"
        case "lazy_stop_failed": "container.lazy_stop_failed"
        case "lazy_pause": "container.lazy_paused"
        case "lazy_resume": "container.lazy_resumed"
        case "lazy_pause_failed": "container.lazy_pause_failed"
        case "lazy_resume_failed": "container.lazy_resume_failed"
        default: "container.\(type)"
        }
    }

    /// The broadcast types, as accepted by the `type` filter.
    static let broadcastTypes = SQLiteAuditLog.eventTypes.map(broadcastType(of:))

    /// A short sentence for people: "w1 woke in 312 ms", "w1 stopped after 300 s idle", "w1 paused after 60 s
    /// idle", "w1 woke from pause in 18 ms", ...
    static func summary(of record: AuditRecord) -> String {
        func number(_ key: String) -> String {
            guard case .number(let value) = record.detail[key] else { return "?" }
            return value >= 10 ? String(Int(value.rounded())) : String(format: "%.1f", value)
        }
        let error: String = if case .string(let text) = record.detail["error"] { text } else { "unknown error" }
        return switch record.type {
        case "lazy_start": "\(record.instance) woke in \(number("latency_ms")) ms"
        case "lazy_stop" where record.detail["reason"] == .string("memory_budget"):
            "\(record.instance) stopped after \(number("idle_seconds")) s idle (over the warm memory budget)"
        case "lazy_stop": "\(record.instance) stopped after \(number("idle_seconds")) s idle"
        case "lazy_pause": "\(record.instance) paused after \(number("idle_seconds")) s idle"
        case "lazy_resume": "\(record.instance) woke from pause in \(number("latency_ms")) ms"
        case "lazy_start_failed": "\(record.instance) failed to start: \(error)"
        case "lazy_stop_failed": "\(record.instance) failed to stop: \(error)"
        case "lazy_pause_failed": "\(record.instance) failed to pause: \(error)"
        case "lazy_resume_failed": "\(record.instance) failed to resume, starting it cold: \(error)"
        default: "\(record.instance): \(record.type)"
        }
    }

    /// The event's JSON: `{"type", "instance", "ts", "summary", "detail"}`.
    static func json(of record: AuditRecord) -> String {
        "{\"type\":\(quoted(broadcastType(of: record.type))),\"instance\":\(quoted(record.instance)),"
            + "\"ts\":\(record.ts),\"summary\":\(quoted(summary(of: record))),\"detail\":\(record.detailJSON)}"
    }

    /// The event's JSON as webhooks receive it: the same object with the audit row id first,
    /// `{"id", "type", "instance", "ts", "summary", "detail"}`.
    static func webhookJSON(of record: AuditRecord) -> String {
        "{\"id\":\(record.id)," + json(of: record).dropFirst()
    }

    /// The whole frame: `id:` the audit row id, `event:` the broadcast type, `data:` the JSON.
    static func frame(of record: AuditRecord) -> String {
        "id: \(record.id)\nevent: \(broadcastType(of: record.type))\ndata: \(json(of: record))\n\n"
    }

    private static func quoted(_ string: String) -> String {
        (try? JSONEncoder().encode(string)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}
