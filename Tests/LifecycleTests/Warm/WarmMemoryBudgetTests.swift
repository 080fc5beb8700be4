import Lifecycle
import TestSupport
import Testing

@Suite("Warm memory budget")
struct WarmMemoryBudgetTests {
    typealias Budget = WarmMemoryBudget<TestClock.Instant>

    static let mib: UInt64 = 1024 * 1024

    /// The instant `seconds` into the test clock's timeline: when a worker's last task ended.
    static func at(_ seconds: Int) -> TestClock.Instant { .init(offset: .seconds(seconds)) }

    @Test func anUnlimitedBudgetNeverStopsAnything() {
        let budget = Budget(limitBytes: nil)
        for index in 0..<100 {
            #expect(budget.paused("w\(index)", bytes: 1 << 40, lastUsed: Self.at(100 - index)).isEmpty)
        }
        #expect(budget.limitBytes == nil)
        #expect(budget.totalBytes == 100 << 40)
        #expect(budget.entries.count == 100)
    }

    @Test func theLeastRecentlyUsedAreStoppedFirst() {
        let budget = Budget(limitBytes: 100 * Self.mib)
        // Paused in another order than they were last used, so neither order can pass for the other.
        #expect(budget.paused("b", bytes: 30 * Self.mib, lastUsed: Self.at(20)).isEmpty)
        #expect(budget.paused("c", bytes: 30 * Self.mib, lastUsed: Self.at(30)).isEmpty)
        #expect(budget.paused("a", bytes: 30 * Self.mib, lastUsed: Self.at(10)).isEmpty)
        #expect(budget.entries.map(\.instance) == ["a", "b", "c"])
        // 140 MiB: stopping a leaves 110, still over; stopping b too leaves 80.
        #expect(budget.paused("d", bytes: 50 * Self.mib, lastUsed: Self.at(40)) == ["a", "b"])
        #expect(budget.entries.map(\.instance) == ["c", "d"])
        #expect(budget.entries.map(\.bytes) == [30 * Self.mib, 50 * Self.mib])
        #expect(budget.totalBytes == 80 * Self.mib)
    }

    @Test func workersLastUsedAtTheSameInstantGoInTheOrderTheyWerePaused() {
        let budget = Budget(limitBytes: 100 * Self.mib)
        #expect(budget.paused("first", bytes: 40 * Self.mib, lastUsed: Self.at(5)).isEmpty)
        #expect(budget.paused("second", bytes: 40 * Self.mib, lastUsed: Self.at(5)).isEmpty)
        #expect(budget.paused("third", bytes: 40 * Self.mib, lastUsed: Self.at(5)) == ["first"])
        #expect(budget.entries.map(\.instance) == ["second", "third"])
    }

    @Test func theWorkerJustPausedIsStoppedWhenItIsTheLeastRecentlyUsed() {
        let budget = Budget(limitBytes: 100 * Self.mib)
        #expect(budget.paused("x", bytes: 40 * Self.mib, lastUsed: Self.at(50)).isEmpty)
        #expect(budget.paused("y", bytes: 40 * Self.mib, lastUsed: Self.at(60)).isEmpty)
        // Its last task ended before the others' did (its idle timer was the longest).
        #expect(budget.paused("z", bytes: 40 * Self.mib, lastUsed: Self.at(10)) == ["z"])
        #expect(budget.entries.map(\.instance) == ["x", "y"])
        #expect(budget.totalBytes == 80 * Self.mib)
    }

    @Test func aWorkerLargerThanTheWholeBudgetIsStoppedAndTheOthersStay() {
        let budget = Budget(limitBytes: 100 * Self.mib)
        #expect(budget.paused("old", bytes: 30 * Self.mib, lastUsed: Self.at(10)).isEmpty)
        #expect(budget.paused("huge", bytes: 100 * Self.mib + 1, lastUsed: Self.at(20)) == ["huge"])
        #expect(budget.entries.map(\.instance) == ["old"])
        #expect(budget.totalBytes == 30 * Self.mib)
        // Alone it fits when it is exactly the limit; the older one makes room.
        #expect(budget.paused("whole", bytes: 100 * Self.mib, lastUsed: Self.at(30)) == ["old"])
        #expect(budget.entries.map(\.instance) == ["whole"])
    }

    @Test func aTotalEqualToTheLimitStays() {
        let budget = Budget(limitBytes: 100 * Self.mib)
        #expect(budget.paused("a", bytes: 60 * Self.mib, lastUsed: Self.at(10)).isEmpty)
        #expect(budget.paused("b", bytes: 40 * Self.mib, lastUsed: Self.at(20)).isEmpty)
        #expect(budget.totalBytes == 100 * Self.mib)
        // 160 MiB: stopping a leaves exactly the limit, so b stays.
        #expect(budget.paused("c", bytes: 60 * Self.mib, lastUsed: Self.at(30)) == ["a"])
        #expect(budget.entries.map(\.instance) == ["b", "c"])
        #expect(budget.totalBytes == 100 * Self.mib)
        #expect(budget.paused("d", bytes: 1, lastUsed: Self.at(40)) == ["b"])
        #expect(budget.totalBytes == 60 * Self.mib + 1)
    }

    @Test func aWorkerThatLeftIsNoLongerCountedAndCanBePausedAgain() {
        let budget = Budget(limitBytes: 100 * Self.mib)
        #expect(budget.paused("a", bytes: 60 * Self.mib, lastUsed: Self.at(10)).isEmpty)
        #expect(budget.paused("b", bytes: 40 * Self.mib, lastUsed: Self.at(20)).isEmpty)
        budget.left("a")
        budget.left("a")  // idempotent
        budget.left("never-paused")
        #expect(budget.totalBytes == 40 * Self.mib)
        #expect(budget.entries.map(\.instance) == ["b"])
        // Resumed, used, paused again: now b is the least recently used.
        #expect(budget.paused("a", bytes: 60 * Self.mib, lastUsed: Self.at(30)).isEmpty)
        #expect(budget.entries.map(\.instance) == ["b", "a"])
        #expect(budget.paused("c", bytes: 10 * Self.mib, lastUsed: Self.at(40)) == ["b"])
        #expect(budget.entries.map(\.instance) == ["a", "c"])
    }

    @Test func pausingAgainReplacesTheEarlierRecord() {
        let budget = Budget(limitBytes: 100 * Self.mib)
        #expect(budget.paused("a", bytes: 60 * Self.mib, lastUsed: Self.at(10)).isEmpty)
        #expect(budget.paused("a", bytes: 70 * Self.mib, lastUsed: Self.at(20)).isEmpty)
        #expect(budget.totalBytes == 70 * Self.mib)
        #expect(budget.entries == [.init(instance: "a", bytes: 70 * Self.mib, lastUsed: Self.at(20))])
    }

    @Test func aLimitOfZeroKeepsNothingPaused() {
        let budget = Budget(limitBytes: 0)
        #expect(budget.paused("a", bytes: 1, lastUsed: Self.at(10)) == ["a"])
        #expect(budget.paused("b", bytes: 50 * Self.mib, lastUsed: Self.at(20)) == ["b"])
        #expect(budget.totalBytes == 0)
        #expect(budget.entries.isEmpty)
    }

    @Test(arguments: [
        (String?.none, UInt64?.none), ("", nil), ("0", 0), ("1", 1 << 20), ("512", 512 << 20),
        ("17592186044415", UInt64.max - (1 << 20) + 1),
    ])
    func theLimitIsReadInMegabytes(value: String?, bytes: UInt64?) throws {
        #expect(try Budget.limit(fromEnvironmentValue: value) == bytes)
    }

    @Test(arguments: [
        ("abc", "must be a whole number of megabytes"), ("-1", "must be a whole number of megabytes"),
        ("1.5", "must be a whole number of megabytes"), (" 64", "must be a whole number of megabytes"),
        ("+5", "must be a whole number of megabytes"), ("64MB", "must be a whole number of megabytes"),
        ("17592186044416", "too large"), ("99999999999999999999999", "too large"),
    ])
    func aValueThatIsNotALimitIsRefusedWithAClearError(value: String, reason: String) {
        let error = #expect(throws: WarmMemoryLimitError.self) { try Budget.limit(fromEnvironmentValue: value) }
        #expect(error?.description.contains("DORMOUSE_WARM_MEMORY_MB") == true)
        #expect(error?.description.contains(reason) == true)
        #expect(error?.description.contains("\"\(value)\"") == true)
    }
}
