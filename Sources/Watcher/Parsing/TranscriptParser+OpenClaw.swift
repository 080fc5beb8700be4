import Foundation

extension TranscriptParser {
    /// The fields of one OpenClaw message that the model uses.
    private struct Message {
        var role: String?
        var content: Int?
        var blocks: [Block] = []
        var stopReason: String?
        var errorMessage: String?
        var usage: Int?
        var toolCallID: String?
        var toolName: String?
        var isError = false
        var detailsStatus: String?
        var detailsError: String?
    }

    /// The fields of one content block that the model uses.
    private struct Block {
        var type = ""
        var text: String?
        var id: String?
        var name: String?
        var arguments: Int?
    }

    private static let ignoredTypes: Set<String> = [
        "session", "thinking_level_change", "model_change", "custom", "custom_message", "compaction",
        "branch_summary", "label",
    ]

    mutating func parseOpenClaw(_ data: Data) -> Outcome {
        data.withUnsafeBytes { raw in
            do {
                return try openClawOutcome(JSONReader(bytes: raw))
            } catch {
                return .malformed(reason: "invalid JSON")
            }
        }
    }

    private mutating func openClawOutcome(_ reader: JSONReader) throws -> Outcome {
        var type: String?
        var typeIsWrong = false
        var parsed: Message?
        let isObject = try reader.forEachRootMember { key, value in
            if key.is("type") {
                type = reader.string(value)
                typeIsWrong = type == nil
            } else if key.is("message"), reader.isObject(value) {
                var message = Message()
                let end = try Self.readMessage(value, into: &message, in: reader)
                parsed = message
                return end
            }
            return nil
        }
        guard isObject else { return .malformed(reason: "not a JSON object") }
        guard let type else { return .malformed(reason: typeIsWrong ? "wrong type at type" : "missing field type") }
        guard type == "message" else {
            return Self.ignoredTypes.contains(type) ? .events([]) : .unknown(type: type)
        }
        guard let message = parsed else { return .malformed(reason: "message line without message") }
        switch message.role {
        case "user":
            let text = try message.content.map { try reader.text($0) } ?? ""
            return .events([.userPrompt(Self.promptText(text).snippet())])
        case "assistant": return .events(try assistantEvents(message, in: reader))
        case "toolResult": return .events([try toolResultEvent(message, in: reader)])
        case nil: return .malformed(reason: "missing field role")
        case let role?: return .unknown(type: "message/\(role)")
        }
    }

    private static func readMessage(_ index: Int, into message: inout Message, in reader: JSONReader) throws -> Int {
        try reader.forEachMember(index) { key, value in
            if key.is("role") {
                message.role = reader.string(value)
            } else if key.is("content") {
                message.content = value
                if reader.isArray(value) { return try blocks(value, into: &message.blocks, in: reader) }
            } else if key.is("stopReason") {
                message.stopReason = reader.string(value)
            } else if key.is("errorMessage") {
                message.errorMessage = reader.string(value)
            } else if key.is("usage") {
                message.usage = value
            } else if key.is("toolCallId") {
                message.toolCallID = reader.string(value)
            } else if key.is("toolName") {
                message.toolName = reader.string(value)
            } else if key.is("isError") {
                message.isError = reader.bool(value) == true
            } else if key.is("details"), reader.isObject(value) {
                return try reader.forEachMember(value) { key, value in
                    if key.is("status") {
                        message.detailsStatus = reader.string(value)
                    } else if key.is("error") {
                        message.detailsError = reader.scalarText(value)
                    }
                    return nil
                }
            }
            return nil
        }
    }

    private static func blocks(_ index: Int, into blocks: inout [Block], in reader: JSONReader) throws -> Int {
        try reader.forEachElement(index) { element in
            guard reader.isObject(element) else { return nil }
            var block = Block()
            let end = try reader.forEachMember(element) { key, value in
                if key.is("type") {
                    block.type = reader.string(value) ?? ""
                } else if key.is("text") || key.is("thinking") {
                    block.text = reader.string(value)
                } else if key.is("id") {
                    block.id = reader.string(value)
                } else if key.is("name") {
                    block.name = reader.string(value)
                } else if key.is("arguments") {
                    block.arguments = value
                }
                return nil
            }
            blocks.append(block)
            return end
        }
    }

    /// Drops the gateway's "Sender (untrusted metadata)" preamble, which ends with a fenced block.
    private static func promptText(_ text: String) -> String {
        guard text.hasPrefix("Sender"), let fence = text.range(of: "```\n", options: .backwards) else { return text }
        return String(text[fence.upperBound...])
    }

    private mutating func assistantEvents(_ message: Message, in reader: JSONReader) throws -> [TranscriptEvent] {
        var events: [TranscriptEvent] = []
        if let usage = message.usage, reader.isObject(usage) {
            let tokens = try Self.openClawUsage(usage, in: reader)
            if !tokens.isZero { events.append(.tokens(tokens)) }
        }
        for block in message.blocks {
            switch block.type {
            case "text": events.append(.assistantText((block.text ?? "").snippet()))
            case "thinking": events.append(.thinking((block.text ?? "").snippet()))
            case "toolCall":
                let members = block.arguments.flatMap { try? reader.scalarMembers($0) } ?? [:]
                let call = ToolCall(id: block.id ?? "", name: block.name ?? "?", arguments: members)
                rememberTool(call)
                events.append(.toolCallStarted(call))
            default: break
            }
        }
        switch message.stopReason {
        case "stop", "length": events.append(.turnEnded(.done))
        case "error":
            events.append(.error((message.errorMessage ?? "error").snippet()))
            events.append(.turnEnded(.error))
        case "aborted": events.append(.turnEnded(.interrupted))
        default: break
        }
        return events
    }

    private static func openClawUsage(_ index: Int, in reader: JSONReader) throws -> TokenUsage {
        var usage = TokenUsage()
        try reader.forEachMember(index) { key, value in
            if key.is("input") {
                usage.input = reader.int(value) ?? 0
            } else if key.is("output") {
                usage.output = reader.int(value) ?? 0
            } else if key.is("cacheRead") {
                usage.cacheRead = reader.int(value) ?? 0
            } else if key.is("cacheWrite") {
                usage.cacheWrite = reader.int(value) ?? 0
            } else if key.is("cost"), let total = try member("total", of: value, in: reader) {
                usage.cost = reader.double(total) ?? 0
            }
            return nil
        }
        return usage
    }

    private mutating func toolResultEvent(_ message: Message, in reader: JSONReader) throws -> TranscriptEvent {
        let id = message.toolCallID ?? ""
        let name = takeToolName(id) ?? message.toolName
        // A failed tool can report isError:false with details.status "error".
        let isError = message.isError || message.detailsStatus == "error"
        var summary = ""
        if isError {
            summary = try (message.detailsError ?? message.content.map { try reader.text($0) } ?? "").snippet()
        }
        return .toolResult(id: id, name: name, isError: isError, summary: summary)
    }
}
