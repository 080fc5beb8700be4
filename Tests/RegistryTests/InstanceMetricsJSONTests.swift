import Foundation
import Testing

@testable import Registry

/// `InstanceMetrics.json` is written when the metrics change; it must always say what the metrics are.
@Suite("Instance metrics JSON")
struct InstanceMetricsJSONTests {
    @Test func theJSONFollowsEveryChangeAndMatchesTheEncodedForm() throws {
        var metrics = InstanceMetrics.zero
        #expect(
            metrics.json
                == #"{"counters":{"lazy_start":0,"lazy_start_failed":0,"lazy_stop":0,"lazy_stop_failed":0,"#
                + #""lazy_pause":0,"lazy_pause_failed":0,"lazy_resume":0,"lazy_resume_failed":0},"last_event":null}"#
        )
        // Checked after each kind of change: each must rewrite the JSON on its own.
        metrics.counters["lazy_start", default: 0] += 1
        metrics.counters["lazy_stop", default: 0] += 2
        #expect(
            metrics.json
                == #"{"counters":{"lazy_start":1,"lazy_start_failed":0,"lazy_stop":2,"lazy_stop_failed":0,"#
                + #""lazy_pause":0,"lazy_pause_failed":0,"lazy_resume":0,"lazy_resume_failed":0},"last_event":null}"#)
        metrics.lastEvent = .init(type: "lazy_start", ts: 1_700_000_000_123, detailJSON: #"{"latency_ms":412}"#)
        #expect(
            metrics.json
                == #"{"counters":{"lazy_start":1,"lazy_start_failed":0,"lazy_stop":2,"lazy_stop_failed":0,"#
                + #""lazy_pause":0,"lazy_pause_failed":0,"lazy_resume":0,"lazy_resume_failed":0},"#
                + #""last_event":{"type":"lazy_start","ts":1700000000123,"detail":{"latency_ms":412}}}"#)
        // The same object as the Codable form, and it survives a decode.
        let encoded = try JSONEncoder().encode(metrics)
        let fromJSON = try JSONSerialization.jsonObject(with: Data(metrics.json.utf8)) as? NSDictionary
        let fromEncoder = try JSONSerialization.jsonObject(with: encoded) as? NSDictionary
        #expect(fromJSON == fromEncoder)
        #expect(try JSONDecoder().decode(InstanceMetrics.self, from: encoded).json == metrics.json)
    }
}
