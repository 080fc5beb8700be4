import NIOCore
import Testing

@testable import Lifecycle

@Suite("Kubernetes watch event framing")
struct KubernetesWatchEventTests {
    static func lines(_ chunks: [String]) throws -> [KubernetesWatchEvent] {
        var splitter = LineSplitter()
        return try chunks.flatMap { splitter.append(ByteBuffer(string: $0)) }.map(KubernetesWatchEvent.decode)
    }

    @Test func eventsSplitAcrossChunksAndSharingOneAreDecodedInOrder() throws {
        let modified =
            #"{"type":"MODIFIED","object":{"metadata":{"name":"w","uid":"u","resourceVersion":"7","#
            + #""generation":2},"spec":{"replicas":1},"status":{"observedGeneration":2,"replicas":1}}}"#
        let bookmark = #"{"type":"BOOKMARK","object":{"kind":"Deployment","metadata":{"resourceVersion":"9"}}}"#
        let gone =
            #"{"type":"ERROR","object":{"kind":"Status","status":"Failure","message":"too old resource"#
            + #" version: 3 (8)","reason":"Expired","code":410}}"#
        let text = modified + "\n" + bookmark + "\n" + gone + "\n"
        let cut = text.index(text.startIndex, offsetBy: 40)
        let events = try Self.lines([String(text[..<cut]), String(text[cut...])])
        #expect(events.count == 3)
        guard case .modified(let deployment) = events[0] else { Issue.record("not MODIFIED"); return }
        // readyReplicas is omitted at zero.
        #expect(deployment.resourceVersion == "7" && deployment.desiredReplicas == 1 && deployment.readyReplicas == 0)
        #expect(deployment.isScaledUp && !deployment.isReady)
        #expect(events[1] == .bookmark(resourceVersion: "9"))
        #expect(events[2] == .error(code: 410, reason: "Expired", message: "too old resource version: 3 (8)"))
    }

    @Test func anUnknownEventTypeIsAnInvalidResponse() {
        let error = #expect(throws: ContainerRuntimeError.self) {
            _ = try KubernetesWatchEvent.decode(Array(#"{"type":"SURPRISE","object":{}}"#.utf8))
        }
        #expect(error?.message.contains("SURPRISE") == true)
    }
}
