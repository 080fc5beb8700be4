// CPU per dispatch body in the JSON path, before and after the strict parser, side by side in one process:
// "before" is the old `JSONValue` (Decodable through JSONDecoder, written back with JSONEncoder), "after" the
// strict single-pass parser and writer. Each path does what a dispatch did: read the body, write the payload
// for storage, read it back, write the response. Run by scripts/payload-json-bench.sh, which compiles this
// with the old JSONValue (renamed LegacyJSONValue) and the current parser sources.
import Foundation

func cpuSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// The legacy dispatch body.
struct LegacyTaskRequest: Decodable {
    var payload: LegacyJSONValue
}

func before(_ body: Data) -> String {
    do {
        let request = try JSONDecoder().decode(LegacyTaskRequest.self, from: body)
        let stored = request.payload.jsonText
        let read = try LegacyJSONValue.parse(stored)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return "ok \(try encoder.encode(["payload": read]).count) B"
    } catch {
        return "error (\(String(describing: error).prefix(40))…)"
    }
}

func after(_ body: Data) -> String {
    do {
        let json = try JSONValue.parse(bytes: body, envelope: 1)
        guard case .object(let object) = json, let payload = object["payload"] else { return "no payload" }
        let stored = payload.jsonText
        let read = try JSONValue.parse(stored)
        return "ok \(JSONValue.object(["payload": read]).jsonText.utf8.count) B"
    } catch {
        return "refused: \(error)"
    }
}

func measure(_ body: Data, iterations: Int, _ path: (Data) -> String) -> (Double, String) {
    var outcome = ""
    let start = cpuSeconds()
    for _ in 0..<iterations { outcome = path(body) }
    return ((cpuSeconds() - start) / Double(iterations), outcome)
}

func nested(_ depth: Int) -> String {
    String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
}

let flat =
    "{"
    + (0..<16_000).map { #""key\#($0)":"value \#($0) with some text to fill it up, 12345678""# }.joined(
        separator: ",") + "}"
let cases: [(String, String, Int)] = [
    ("depth 64", nested(64), 200),
    ("depth 500", nested(500), 5),
    ("depth 10,000", nested(10_000), 5),
    ("flat \(flat.utf8.count / 1024) KiB object", flat, 5),
]
print("case                     before ms/req   after ms/req   ratio   before / after outcome")
for (name, payload, iterations) in cases {
    let body = Data(#"{"payload": \#(payload)}"#.utf8)
    _ = before(body)
    _ = after(body)
    let (old, oldOutcome) = measure(body, iterations: iterations, before)
    let (new, newOutcome) = measure(body, iterations: iterations, after)
    print(
        name.padding(toLength: 24, withPad: " ", startingAt: 0),
        String(format: "%14.3f %14.3f %7.1fx", old * 1000, new * 1000, old / new), " ", oldOutcome, "/", newOutcome)
}
