import Foundation
import TestSupport

/// What the chat server saw, matched against what was written: edit rates per post and each line's delay from
/// its write to the first request whose body shows its token.
struct EditAnalysis {
    /// Requests by kind, and those not answered 2xx.
    var creates = 0
    var edits = 0
    var others = 0
    var failed = 0
    /// Per post: the most edits that arrived within any 1 s, and the shortest gap between two edits.
    var maxEditsInOneSecond: [Int] = []
    var minimumGaps: [Double] = []
    /// Every gap between two consecutive edits of one post at the server, in milliseconds.
    var gaps: [Double] = []
    /// Edits per post per second over the writing window, averaged over posts.
    var meanEditRate = 0.0
    /// Delays in milliseconds of the lines written in the measured window whose token reached the server.
    var delays: [Double] = []
    /// Lines written in the measured window whose token never appeared in a request.
    var missing = 0

    /// One create or edit as the chat server received it.
    struct ServerWrite {
        /// The post an edit changes; nil for a create.
        var editedPost: String?
        /// Arrival, in wall-clock seconds.
        var time: Double
        /// The request body (or the event content), searched for tokens.
        var body: Data
    }

    /// From the requests the Mattermost fake recorded.
    init(
        requests: [MattermostFake.RecordedRequest], writtenAt: [Double], rounds: Int, window: ClosedRange<Double>,
        measuredFrom: Double
    ) {
        var writes: [ServerWrite] = []
        var others = 0
        for request in requests {
            let time = request.time.timeIntervalSince1970
            if request.method == "PUT" && request.path.hasSuffix("/patch") {
                let postID = request.path.split(separator: "/").dropLast().last.map(String.init) ?? ""
                writes.append(ServerWrite(editedPost: postID, time: time, body: request.body))
            } else if request.method == "POST" && request.path == "/api/v4/posts" {
                writes.append(ServerWrite(editedPost: nil, time: time, body: request.body))
            } else {
                others += 1
            }
        }
        self.init(
            writes: writes, writtenAt: writtenAt, rounds: rounds, window: window, measuredFrom: measuredFrom)
        self.others = others
        failed = requests.filter { !(200..<300).contains($0.status) }.count
    }

    /// - Parameters:
    ///   - writtenAt: wall-clock seconds of each line, `[session * rounds + round]` (0: not written).
    ///   - window: the writing window in wall-clock seconds; `measuredFrom` excludes the start-up lines.
    init(writes: [ServerWrite], writtenAt: [Double], rounds: Int, window: ClosedRange<Double>, measuredFrom: Double) {
        var editTimes: [String: [Double]] = [:]
        var firstSeen = Array(repeating: Double.infinity, count: writtenAt.count)
        for write in writes {
            let time = write.time
            if let postID = write.editedPost {
                edits += 1
                editTimes[postID, default: []].append(time)
            } else {
                creates += 1
            }
            Self.forEachToken(in: write.body) { session, round in
                let index = session * rounds + round
                if round < rounds, index < firstSeen.count, firstSeen[index] > time { firstSeen[index] = time }
            }
        }
        for times in editTimes.values {
            let sorted = times.sorted()
            maxEditsInOneSecond.append(Self.maxInWindow(sorted, width: 1.0))
            let postGaps = zip(sorted.dropFirst(), sorted).map { ($0 - $1) * 1000 }
            gaps += postGaps
            minimumGaps.append((postGaps.min() ?? .infinity) / 1000)
        }
        let inWindow = editTimes.values.reduce(0) { $0 + $1.filter { window.contains($0) }.count }
        meanEditRate =
            Double(inWindow) / Double(max(1, editTimes.count)) / (window.upperBound - window.lowerBound)
        for (index, written) in writtenAt.enumerated() where written >= measuredFrom && written <= window.upperBound {
            if firstSeen[index].isFinite {
                delays.append((firstSeen[index] - written) * 1000)
            } else {
                missing += 1
            }
        }
    }

    /// The most sorted times within any span shorter than `width`.
    static func maxInWindow(_ sorted: [Double], width: Double) -> Int {
        var best = 0
        var first = 0
        for last in sorted.indices {
            while sorted[last] - sorted[first] >= width { first += 1 }
            best = max(best, last - first + 1)
        }
        return best
    }

    /// Calls `body` with the numbers of every `tk-<session>-<round>` in `data`.
    static func forEachToken(in data: Data, _ body: (Int, Int) -> Void) {
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var index = 0
            while index + 3 < bytes.count {
                guard bytes[index] == UInt8(ascii: "t"), bytes[index + 1] == UInt8(ascii: "k"),
                    bytes[index + 2] == UInt8(ascii: "-")
                else {
                    index += 1
                    continue
                }
                index += 3
                let session = number(bytes, &index)
                guard let session, index < bytes.count, bytes[index] == UInt8(ascii: "-") else { continue }
                index += 1
                if let round = number(bytes, &index) { body(session, round) }
            }
        }
    }

    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Int? {
        var value: Int?
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            value = (value ?? 0) * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        return value
    }

    /// `p50 … ms, p95 … ms, p99 … ms, max … ms`.
    static func percentiles(_ samples: [Double]) -> String {
        guard !samples.isEmpty else { return "no samples" }
        let sorted = samples.sorted()
        func at(_ fraction: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))] }
        return String(
            format: "p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms (n=%d)", at(0.5), at(0.95), at(0.99),
            sorted.last!, sorted.count)
    }

    static func percentile(_ samples: [Double], _ fraction: Double) -> Double {
        let sorted = samples.sorted()
        return sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }
}
