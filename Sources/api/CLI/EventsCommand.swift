import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import Registry

/// `dormouse events`: the lifecycle history, and with `--follow` the live stream, resuming after the last
/// event seen when the connection drops (a server restart, for example).
struct EventsCommand: ServerCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Print lifecycle events: the history, and with --follow the live stream.",
        discussion: """
            Reads GET /events. Without --follow it prints the history and exits; with --follow it goes on
            printing events as they happen and, when the connection drops, reconnects and resumes after the
            last event it printed (no gap, no duplicate).

            Example:
              dormouse events --instance coder-1
              dormouse events --follow --type container.lazy_started --json

            \(CLIExitCode.summary)
            """
    )

    @OptionGroup var server: ClientOptions

    @Flag(name: .shortAndLong, help: "Keep printing events as they happen.")
    var follow = false

    @Option(help: "Only this agent's events.")
    var instance: String?

    @Option(help: "Only this type (container.lazy_started, container.lazy_stopped, ...); repeatable.")
    var type: [String] = []

    @Option(name: .customLong("after-id"), help: "Start after this event id (default 0: all history).")
    var afterID: Int64 = 0

    func run(client: CLIClient, output: CLIOutput) async throws {
        var lastID = afterID
        var backoff = Duration.milliseconds(250)
        while true {
            do {
                let body = try await client.openStream(path(after: lastID))
                backoff = .milliseconds(250)
                var reader = EventStreamReader()
                for try await chunk in body {
                    for frame in reader.frames(in: chunk) {
                        if frame.comment == "caught up", !follow { return }
                        guard let id = frame.id.flatMap(Int64.init), id > lastID, let data = frame.data else {
                            continue
                        }
                        lastID = id
                        print(id: id, data: data, output: output)
                    }
                }
                guard follow else { return }
            } catch let error as CLIError where follow && error.isUnreachable {
                // The server is restarting or gone for a moment: try again, resuming after `lastID`.
            } catch  where follow && !(error is CLIError) {
                // The stream broke off mid-way; resume after the last event printed.
            }
            try await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
    }

    private func path(after id: Int64) -> String {
        var query = ["after_id=\(id)"]
        if let instance { query.append("instance=\(CLIClient.escape(instance))") }
        if !type.isEmpty { query.append("type=\(CLIClient.escape(type.joined(separator: ",")))") }
        return "/events?" + query.joined(separator: "&")
    }

    private func print(id: Int64, data: String, output: CLIOutput) {
        guard case .object(var event) = (try? JSONValue.parse(data)) ?? .null else { return output.line(data) }
        event["id"] = .integer(id)
        if output.json { return output.line(JSONValue.object(event.dictionary).jsonText) }
        let time: String
        if case .number(let number) = event["ts"] ?? .null, let ts = number.int64Value {
            time = Self.timeFormat.string(from: Date(timeIntervalSince1970: Double(ts) / 1_000))
        } else {
            time = "—"
        }
        let type: String = if case .string(let name) = event["type"] ?? .null { name } else { "—" }
        let summary: String = if case .string(let text) = event["summary"] ?? .null { text } else { "" }
        output.line("\(id)\t\(time)\t\(type)\t\(summary)")
    }

    private static let timeFormat: DateFormatter = {
        let format = DateFormatter()
        format.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return format
    }()
}

/// Splits an SSE byte stream into frames.
struct EventStreamReader {
    /// One frame's fields.
    struct Frame: Sendable, Hashable {
        var id: String?
        var event: String?
        var data: String?
        var retry: String?
        var comment: String?
    }

    private var pending = ""

    mutating func frames(in chunk: ByteBuffer) -> [Frame] {
        pending += String(buffer: chunk)
        var frames: [Frame] = []
        while let end = pending.range(of: "\n\n") {
            var frame = Frame()
            for line in pending[..<end.lowerBound].split(separator: "\n") {
                if line.hasPrefix(":") {
                    frame.comment = line.dropFirst().trimmingCharacters(in: .whitespaces)
                } else if line.hasPrefix("id: ") {
                    frame.id = String(line.dropFirst(4))
                } else if line.hasPrefix("event: ") {
                    frame.event = String(line.dropFirst(7))
                } else if line.hasPrefix("data: ") {
                    frame.data = String(line.dropFirst(6))
                } else if line.hasPrefix("retry: ") {
                    frame.retry = String(line.dropFirst(7))
                }
            }
            pending.removeSubrange(..<end.upperBound)
            frames.append(frame)
        }
        return frames
    }
}
