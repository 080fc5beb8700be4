import Foundation

extension TranscriptParser {
    /// The fields of one content block that the model uses.
    private struct Block {
        var type = ""
        var text: String?
        var id: String?
        var name: String?
        var input: Int?
        var toolUseID: String?
        var isError = false
        var content: Int?
    }

    /// The fields of a line's `message` that the model uses, read in the same pass as the line.
    private struct Message {
        var id: String?
        var text: String?
        var blocks: [Block] = []
        var hasContent = false
        var usage: TokenUsage?
    }

    private static let ignoredTypes: Set<String> = [
        "progress", "file-history-snapshot", "queue-operation", "summary", "last-prompt", "custom-title",
    ]

    mutating func parseClaudeCode(_ data: Data) -> Outcome {
        data.withUnsafeBytes { raw in
            do {
                return try claudeCodeOutcome(JSONReader(bytes: raw))
            } catch {
                return .malformed(reason: "invalid JSON")
            }
        }
    }

    private mutating func claudeCodeOutcome(_ reader: JSONReader) throws -> Outcome {
        var type: String?
        var typeIsWrong = false
        var subtype: String?
        var isMeta = false
        var isAPIError = false
        var message: Message?
        let isObject = try reader.forEachRootMember { key, value in
            if key.is("type") {
                type = reader.string(value)
                typeIsWrong = type == nil
            } else if key.is("subtype") {
                subtype = reader.string(value)
            } else if key.is("isMeta") {
                isMeta = reader.bool(value) == true
            } else if key.is("isApiErrorMessage") {
                isAPIError = reader.bool(value) == true
            } else if key.is("message"), reader.isObject(value) {
                var fields = Message()
                let end = try Self.readMessage(value, into: &fields, in: reader)
                message = fields
                return end
            }
            return nil
        }
        guard isObject else { return .malformed(reason: "not a JSON object") }
        guard let type else { return .malformed(reason: typeIsWrong ? "wrong type at type" : "missing field type") }
        switch type {
        case "user":
            guard let message, message.hasContent else { return .malformed(reason: "user line without content") }
            return isMeta ? .events([]) : .events(try userEvents(message, in: reader))
        case "assistant":
            guard let message else { return .malformed(reason: "assistant line without message") }
            return .events(assistantEvents(message, isAPIError: isAPIError, in: reader))
        case "system": return Self.systemOutcome(subtype)
        default: return Self.ignoredTypes.contains(type) ? .events([]) : .unknown(type: type)
        }
    }

    private static func readMessage(_ index: Int, into message: inout Message, in reader: JSONReader) throws -> Int {
        try reader.forEachMember(index) { key, value in
            if key.is("id") {
                message.id = reader.string(value)
            } else if key.is("content") {
                message.hasContent = true
                if reader.isArray(value) { return try blocks(value, into: &message.blocks, in: reader) }
                message.text = reader.string(value)
            } else if key.is("usage"), reader.isObject(value) {
                var usage = TokenUsage()
                let end = try claudeUsage(value, into: &usage, in: reader)
                message.usage = usage
                return end
            }
            return nil
        }
    }

    /// The value index of member `name` of the object at `index`, if present.
    static func member(_ name: StaticString, of index: Int, in reader: JSONReader) throws -> Int? {
        guard reader.isObject(index) else { return nil }
        var found: Int?
        try reader.forEachMember(index) { key, value in
            if key.is(name) { found = value }
            return nil
        }
        return found
    }

    private mutating func userEvents(_ message: Message, in reader: JSONReader) throws -> [TranscriptEvent] {
        if let text = message.text { return Self.promptEvents(text) }
        var events: [TranscriptEvent] = []
        for block in message.blocks {
            switch block.type {
            case "tool_result":
                let id = block.toolUseID ?? ""
                let summary = block.isError ? try block.content.map { try reader.text($0) }?.snippet() ?? "" : ""
                events.append(.toolResult(id: id, name: takeToolName(id), isError: block.isError, summary: summary))
            case "text": events += Self.promptEvents(block.text ?? "")
            default: continue
            }
        }
        return events
    }

    private static func promptEvents(_ text: String) -> [TranscriptEvent] {
        if text.hasPrefix("[Request interrupted") { return [.turnEnded(.interrupted)] }
        // Local slash commands and their output are user lines, but not prompts that start an agent turn.
        if text.hasPrefix("<command-") || text.hasPrefix("<local-command-") { return [] }
        return [.userPrompt(text.snippet())]
    }

    private mutating func assistantEvents(_ message: Message, isAPIError: Bool, in reader: JSONReader)
        -> [TranscriptEvent]
    {
        var events: [TranscriptEvent] = []
        if let current = message.usage {
            let key = message.id ?? UUID().uuidString
            let delta = current - (usageByMessage[key] ?? TokenUsage())
            usageByMessage[key] = current
            if !delta.isZero { events.append(.tokens(delta)) }
        }
        for block in message.blocks {
            switch block.type {
            case "text":
                let text = (block.text ?? "").snippet()
                events.append(isAPIError ? .error(text) : .assistantText(text))
            case "thinking": events.append(.thinking((block.text ?? "").snippet()))
            case "tool_use":
                let arguments = block.input.flatMap { try? reader.scalarMembers($0) } ?? [:]
                let call = ToolCall(id: block.id ?? "", name: block.name ?? "?", arguments: arguments)
                rememberTool(call)
                events.append(.toolCallStarted(call))
            default: continue
            }
        }
        return events
    }

    private static func claudeUsage(_ index: Int, into usage: inout TokenUsage, in reader: JSONReader) throws -> Int {
        try reader.forEachMember(index) { key, value in
            if key.is("input_tokens") {
                usage.input = reader.int(value) ?? 0
            } else if key.is("output_tokens") {
                usage.output = reader.int(value) ?? 0
            } else if key.is("cache_read_input_tokens") {
                usage.cacheRead = reader.int(value) ?? 0
            } else if key.is("cache_creation_input_tokens") {
                usage.cacheWrite = reader.int(value) ?? 0
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
                } else if key.is("input") {
                    block.input = value
                } else if key.is("tool_use_id") {
                    block.toolUseID = reader.string(value)
                } else if key.is("is_error") {
                    block.isError = reader.bool(value) == true
                } else if key.is("content") {
                    block.content = value
                }
                return nil
            }
            blocks.append(block)
            return end
        }
    }

    private static func systemOutcome(_ subtype: String?) -> Outcome {
        switch subtype {
        case "turn_duration", "stop_hook_summary": return .events([.turnEnded(.done)])
        case "api_error": return .events([.error("API error")])
        case "compact_boundary", "local_command", "informational": return .events([])
        default: return .unknown(type: "system/\(subtype ?? "-")")
        }
    }
}
