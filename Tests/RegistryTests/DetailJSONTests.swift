import Foundation
import Lifecycle
import Testing

@testable import Registry

@Suite("DetailJSON")
struct DetailJSONTests {
    @Test(
        arguments: [
            ([:], "{}"),
            (["latency_ms": .number(312)], #"{"latency_ms":312}"#),
            (["idle_seconds": .number(300.25)], #"{"idle_seconds":300.25}"#),
            (["b": .number(1), "a": .string("x")], #"{"a":"x","b":1}"#),
            (["error": .string("say \"no\"\\\n\tok\u{1}")], #"{"error":"say \"no\"\\\n\tok\u0001"}"#),
            (["x": .number(.infinity)], #"{"x":null}"#),
        ] as [([String: LifecycleEventDetailValue], String)])
    func encodesLikeJSON(detail: [String: LifecycleEventDetailValue], expected: String) {
        #expect(DetailJSON.encode(detail) == expected)
    }

    @Test func roundTripsThroughJSONDecoder() throws {
        let detail: [String: LifecycleEventDetailValue] = [
            "error": .string("No such image: é \"quoted\" \u{7}"), "latency_ms": .number(12.5),
        ]
        let decoded = try JSONDecoder().decode(
            [String: LifecycleEventDetailValue].self, from: Data(DetailJSON.encode(detail).utf8))
        #expect(decoded == detail)
    }
}
