import Foundation
import Synchronization

/// How long a simulated Docker engine takes to answer each call, drawn from a seeded generator.
///
/// The distribution, per call (uniform draws unless said otherwise):
/// - `inspect`, `ping`: 1–3 ms (a local engine answering a small JSON document);
/// - `start`: 250–350 ms, and one start in ten gets a tail on top, exponential with a mean of 150 ms and cut at
///   1 s (an image whose entrypoint is slow, a busy engine): p50 ≈ 300 ms, p95 ≈ 430 ms, p99 ≈ 620 ms. The
///   wake benchmark measured 230–320 ms at p50 and 260–400 ms at p95 for a raw start on this machine;
/// - `stop`: 50–150 ms (SIGTERM honoured by docker-init);
/// - `exec`: 30–60 ms (the API benchmark measured ≈ 50 ms for `sh -c echo` through the engine);
/// - `create`, `remove`, `pause`, `unpause`: 10–30 ms (not used by the workload).
///
/// One generator is shared by all the engines of a round, so the draws are reproducible as a sequence, though
/// which call gets which draw follows the order in which concurrent calls arrive.
final class EngineLatency: Sendable {
    /// The kinds of call that take distinct times.
    enum Call {
        case inspect, start, stop, exec, other
    }

    private let generator: Mutex<SplitMix64>

    init(seed: UInt64) {
        generator = Mutex(SplitMix64(seed: seed))
    }

    /// A fresh draw for one call.
    func delay(of call: Call) -> Duration {
        generator.withLock { generator in
            let milliseconds: Double =
                switch call {
                case .inspect: Double.random(in: 1...3, using: &generator)
                case .start: Self.start(using: &generator)
                case .stop: Double.random(in: 50...150, using: &generator)
                case .exec: Double.random(in: 30...60, using: &generator)
                case .other: Double.random(in: 10...30, using: &generator)
                }
            return .microseconds(Int64(milliseconds * 1_000))
        }
    }

    private static func start(using generator: inout SplitMix64) -> Double {
        let body = Double.random(in: 250...350, using: &generator)
        guard Double.random(in: 0..<1, using: &generator) < 0.1 else { return body }
        // Exponential with mean 150 ms by inversion, cut at 1 s.
        let uniform = Double.random(in: Double.ulpOfOne..<1, using: &generator)
        return body + min(1_000, -150 * log(uniform))
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a small, fast, seedable generator; not for cryptography.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
