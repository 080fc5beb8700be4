import Foundation
import Testing

@testable import Watcher

/// Totals of everything a parser produced for one fixture.
struct ParsedTotals: Equatable, CustomStringConvertible {
    var lines = 0
    var toolCalls = 0
    var toolResults = 0
    var toolErrors = 0
    var errors = 0
    var prompts = 0
    var tokens = TokenUsage()
    var turnEnds: [TurnOutcome] = []
    var unknown = 0
    var malformed = 0

    var description: String {
        "calls \(toolCalls) results \(toolResults) toolErrors \(toolErrors) errors \(errors) prompts \(prompts) "
            + "tokens \(tokens) ends \(turnEnds) unknown \(unknown) malformed \(malformed)"
    }

    static func parse(_ fixture: String, format: TranscriptParser.Format) throws -> ParsedTotals {
        var parser = TranscriptParser(format: format)
        var totals = ParsedTotals()
        for line in try Fixtures.lines(fixture) {
            totals.lines += 1
            switch parser.parse(line) {
            case .events(let events): events.forEach { totals.count($0) }
            case .unknown: totals.unknown += 1
            case .malformed: totals.malformed += 1
            }
        }
        return totals
    }

    mutating func count(_ event: TranscriptEvent) {
        switch event {
        case .toolCallStarted: toolCalls += 1
        case .toolResult(_, _, let isError, _):
            toolResults += 1
            if isError { toolErrors += 1 }
        case .error: errors += 1
        case .userPrompt: prompts += 1
        case .tokens(let usage): tokens = tokens + usage
        case .turnEnded(let outcome): turnEnds.append(outcome)
        case .assistantText, .thinking: break
        }
    }
}

/// Tests of `TranscriptParser`.
@Suite struct TranscriptParserTests {
    // Expected values were verified by hand with a Python one-off over each fixture (json.loads per line):
    // tool_use blocks / tool_result blocks / is_error:true, and usage summed over the LAST line of each
    // message.id, e.g. for tool_heavy: msg_019BN3… repeats its usage with output 25 then 173, so 173 counts.
    // Prompts are user lines with string content or text blocks, minus isMeta, "<command-…"/"<local-command-…"
    // and "[Request interrupted…" (those end the turn as interrupted instead).
    @Test func claudeCodeShort() throws {
        let totals = try ParsedTotals.parse(Fixtures.claudeShort, format: .claudeCode)
        #expect(totals.lines == 15)
        #expect(totals.toolCalls == 2)
        #expect(totals.toolResults == 2)
        #expect(totals.toolErrors == 2)
        #expect(totals.errors == 0)
        #expect(totals.prompts == 1)
        #expect(totals.tokens == TokenUsage(input: 3, output: 13, cacheRead: 11515, cacheWrite: 13835))
        #expect(totals.turnEnds == [.interrupted])
        #expect(totals.unknown == 0 && totals.malformed == 0)
    }

    @Test func claudeCodeToolHeavy() throws {
        let totals = try ParsedTotals.parse(Fixtures.claudeToolHeavy, format: .claudeCode)
        #expect(totals.lines == 39)
        #expect(totals.toolCalls == 6)
        #expect(totals.toolResults == 6)
        #expect(totals.toolErrors == 0)
        #expect(totals.prompts == 2)
        #expect(totals.tokens == TokenUsage(input: 54, output: 212, cacheRead: 88231, cacheWrite: 17696))
        #expect(totals.turnEnds == [.interrupted, .interrupted])
        #expect(totals.unknown == 0 && totals.malformed == 0)
    }

    @Test func claudeCodeSubagent() throws {
        let totals = try ParsedTotals.parse(Fixtures.claudeSubagent, format: .claudeCode)
        #expect(totals.lines == 40)
        #expect(totals.toolCalls == 12)
        #expect(totals.toolResults == 12)
        #expect(totals.toolErrors == 0)
        #expect(totals.prompts == 1)
        #expect(totals.tokens == TokenUsage(input: 2408, output: 7, cacheRead: 29274, cacheWrite: 18814))
        #expect(totals.turnEnds.isEmpty)
        #expect(totals.unknown == 0 && totals.malformed == 0)
    }

    // Verified with Python: 5 toolCall blocks, 5 toolResult messages of which 3 have details.status "error"
    // while isError is false, 4 assistant messages with stopReason "error" ("fetch failed"), 2 with "stop";
    // usage summed per assistant message: input 13097, output 458, cacheRead 15488, cost.total 0.03204215.
    @Test func openClaw() throws {
        let totals = try ParsedTotals.parse(Fixtures.openClaw, format: .openClaw)
        #expect(totals.lines == 18)
        #expect(totals.toolCalls == 5)
        #expect(totals.toolResults == 5)
        #expect(totals.toolErrors == 3)
        #expect(totals.errors == 4)
        #expect(totals.prompts == 2)
        #expect(totals.tokens.input == 13097 && totals.tokens.output == 458)
        #expect(totals.tokens.cacheRead == 15488 && totals.tokens.cacheWrite == 0)
        #expect(abs(totals.tokens.cost - 0.03204215) < 1e-9)
        #expect(totals.turnEnds == [.done, .error, .error, .error, .error, .done])
        #expect(totals.unknown == 0 && totals.malformed == 0)
    }

    @Test func openClawToolErrorCarriesDetailsMessage() throws {
        var parser = TranscriptParser(format: .openClaw)
        let lines = try Fixtures.lines(Fixtures.openClaw)
        _ = parser.parse(lines[11])
        guard case .events(let events) = parser.parse(lines[14]),
            case .toolResult(_, let name, true, let summary) = events.first
        else {
            Issue.record("expected a failed tool result")
            return
        }
        #expect(name == "read")
        #expect(summary.hasPrefix("ENOENT: no such file or directory"))
    }

    @Test func claudeCodeUsageCountedOncePerMessageID() {
        var parser = TranscriptParser(format: .claudeCode)
        let first =
            #"{"type":"assistant","message":{"id":"m1","content":[],"usage":{"input_tokens":5,"output_tokens":2}}}"#
        let again =
            #"{"type":"assistant","message":{"id":"m1","content":[],"usage":{"input_tokens":5,"output_tokens":9}}}"#
        #expect(parser.parse(Data(first.utf8)) == .events([.tokens(TokenUsage(input: 5, output: 2))]))
        #expect(parser.parse(Data(again.utf8)) == .events([.tokens(TokenUsage(output: 7))]))
        #expect(parser.parse(Data(again.utf8)) == .events([]))
    }

    @Test(arguments: [
        (#"{"type":"assistant""#, "invalid JSON"),
        (#"[1,2]"#, "not a JSON object"),
        (#"{"message":{}}"#, "missing field type"),
        (#"   "#, "empty line"),
        (#"{"type":"user"}"#, "user line without content"),
    ])
    func malformedLinesAreReported(line: String, reason: String) {
        for format in [TranscriptParser.Format.claudeCode, .openClaw] {
            var parser = TranscriptParser(format: format)
            let outcome = parser.parse(Data(line.utf8))
            if format == .openClaw && line.contains("\"user\"") {
                #expect(outcome == .unknown(type: "user"))
            } else {
                #expect(outcome == .malformed(reason: reason))
            }
        }
    }

    @Test func unknownTypesAreSkippedNotFatal() {
        var claude = TranscriptParser(format: .claudeCode)
        #expect(claude.parse(Data(#"{"type":"brand-new-thing","x":1}"#.utf8)) == .unknown(type: "brand-new-thing"))
        #expect(claude.parse(Data(#"{"type":"system","subtype":"novel"}"#.utf8)) == .unknown(type: "system/novel"))
        var openClaw = TranscriptParser(format: .openClaw)
        #expect(openClaw.parse(Data(#"{"type":"galaxy"}"#.utf8)) == .unknown(type: "galaxy"))
        #expect(
            openClaw.parse(Data(#"{"type":"message","message":{"role":"robot"}}"#.utf8))
                == .unknown(type: "message/robot"))
    }

    @Test func claudeCodeTurnEndsOnSystemLines() {
        var parser = TranscriptParser(format: .claudeCode)
        for subtype in ["turn_duration", "stop_hook_summary"] {
            let line = #"{"type":"system","subtype":"\#(subtype)","durationMs":5}"#
            #expect(parser.parse(Data(line.utf8)) == .events([.turnEnded(.done)]))
        }
    }
}
