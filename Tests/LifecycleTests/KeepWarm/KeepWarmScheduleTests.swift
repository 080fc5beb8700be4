import Foundation
import Lifecycle
import Testing

/// A schedule and what it must say at fixed instants, written as ISO-8601 with explicit offsets.
struct KeepWarmCase: Sendable, CustomTestStringConvertible {
    var name: String
    var zone = "UTC"
    var entries: [String]
    /// Instants the schedule contains.
    var inside: [String] = []
    /// Instants it does not contain, where `coverageEnd` is nil.
    var outside: [String] = []
    /// Instants it contains and when the coverage that contains each ends.
    var ends: [(from: String, to: String)] = []

    var testDescription: String { name }

    /// Checks every instant of the case.
    func check() throws {
        let schedule = try KeepWarmSchedule(entries, timeZone: try #require(TimeZone(identifier: zone)))
        for text in inside {
            #expect(schedule.contains(try Self.date(text)), "inside \(text)")
        }
        for text in outside {
            let date = try Self.date(text)
            #expect(!schedule.contains(date), "outside \(text)")
            #expect(schedule.coverageEnd(containing: date) == nil, "no coverage at \(text)")
        }
        for (from, to) in ends {
            let (date, end) = (try Self.date(from), try Self.date(to))
            #expect(schedule.contains(date), "inside \(from)")
            #expect(schedule.coverageEnd(containing: date) == end, "coverage from \(from)")
        }
    }

    /// The instant `text` (ISO-8601 with an offset) names.
    static func date(_ text: String) throws -> Date {
        try Date(text, strategy: .iso8601)
    }
}

@Suite("KeepWarmSchedule")
struct KeepWarmScheduleTests {
    /// An accepted entry and the days of the week it opens on, probed at noon UTC from Monday 2026-03-02.
    struct DaysCase: Sendable, CustomTestStringConvertible {
        var entry: String
        var days: Set<String>

        var testDescription: String { entry }
    }

    static let week = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    static let dayForms: [DaysCase] = [
        DaysCase(entry: "mon 08:00-18:00", days: ["mon"]),
        DaysCase(entry: "sun 08:00-18:00", days: ["sun"]),
        DaysCase(entry: "mon-fri 08:00-18:00", days: ["mon", "tue", "wed", "thu", "fri"]),
        DaysCase(entry: "fri-mon 08:00-18:00", days: ["fri", "sat", "sun", "mon"]),
        DaysCase(entry: "sun-tue 08:00-18:00", days: ["sun", "mon", "tue"]),
        DaysCase(entry: "wed-wed 08:00-18:00", days: ["wed"]),
        DaysCase(entry: "mon,wed,fri 08:00-18:00", days: ["mon", "wed", "fri"]),
        DaysCase(entry: "mon,thu-sat 08:00-18:00", days: ["mon", "thu", "fri", "sat"]),
        DaysCase(entry: "sat-mon,wed 08:00-18:00", days: ["sat", "sun", "mon", "wed"]),
        DaysCase(entry: "tue,tue 08:00-18:00", days: ["tue"]),
        DaysCase(entry: "daily 08:00-18:00", days: Set(week)),
        DaysCase(entry: "weekdays 08:00-18:00", days: ["mon", "tue", "wed", "thu", "fri"]),
        DaysCase(entry: "weekends 08:00-18:00", days: ["sat", "sun"]),
        DaysCase(entry: "weekends,wed 08:00-18:00", days: ["sat", "sun", "wed"]),
        DaysCase(entry: "MON-Fri 08:00-18:00", days: ["mon", "tue", "wed", "thu", "fri"]),
        DaysCase(entry: "Sat,SUN 08:00-18:00", days: ["sat", "sun"]),
        DaysCase(entry: "Daily 08:00-18:00", days: Set(week)),
        DaysCase(entry: "WEEKDAYS 08:00-18:00", days: ["mon", "tue", "wed", "thu", "fri"]),
        DaysCase(entry: "WeekEnds 08:00-18:00", days: ["sat", "sun"]),
    ]

    @Test("each form of days opens on exactly its days", arguments: dayForms)
    func days(_ form: DaysCase) throws {
        let schedule = try KeepWarmSchedule([form.entry], timeZone: .gmt)
        let monday = try KeepWarmCase.date("2026-03-02T12:00:00Z")
        for (index, day) in Self.week.enumerated() {
            let noon = monday + TimeInterval(index * 24 * 3600)
            #expect(schedule.contains(noon) == form.days.contains(day), "\(day)")
        }
    }

    /// A rejected entry, the error it gives and, when given, that error's exact description.
    struct Rejection: Sendable, CustomTestStringConvertible {
        var entry: String
        var error: KeepWarmScheduleError
        var description: String? = nil

        var testDescription: String { String(reflecting: entry) }
    }

    static let daysHelp =
        "days are mon..sun, a range like mon-fri or fri-mon, a list like mon,wed,fri, daily, weekdays or weekends"

    static let rejections: [Rejection] = [
        Rejection(
            entry: "", error: .malformed(""),
            description: #""": expected "<days> <HH:MM>-<HH:MM>" with single spaces, e.g. "mon-fri 08:00-18:00""#),
        Rejection(entry: "mon", error: .malformed("mon")),
        Rejection(entry: "08:00-18:00", error: .malformed("08:00-18:00")),
        Rejection(entry: "mon  08:00-18:00", error: .malformed("mon  08:00-18:00")),
        Rejection(entry: " mon 08:00-18:00", error: .malformed(" mon 08:00-18:00")),
        Rejection(entry: "mon 08:00-18:00 ", error: .malformed("mon 08:00-18:00 ")),
        Rejection(entry: "mon\t08:00-18:00", error: .malformed("mon\t08:00-18:00")),
        Rejection(
            entry: "mon\n08:00-18:00", error: .malformed("mon\n08:00-18:00"),
            description: #""mon\n08:00-18:00": expected "<days> <HH:MM>-<HH:MM>" with single spaces, e.g. "#
                + #""mon-fri 08:00-18:00""#),
        Rejection(
            entry: "mon 08:00-18:00 Europe/Berlin", error: .malformed("mon 08:00-18:00 Europe/Berlin")),
        Rejection(
            entry: "monday 08:00-18:00", error: .invalidDays("monday", in: "monday 08:00-18:00"),
            description: #""monday 08:00-18:00": "monday" is not a day; "# + daysHelp),
        Rejection(entry: "Mon-Fri-Sat 08:00-18:00", error: .invalidDays("Mon-Fri-Sat", in: "Mon-Fri-Sat 08:00-18:00")),
        Rejection(
            entry: "mon-weekdays 08:00-18:00", error: .invalidDays("mon-weekdays", in: "mon-weekdays 08:00-18:00")),
        Rejection(entry: "-fri 08:00-18:00", error: .invalidDays("-fri", in: "-fri 08:00-18:00")),
        Rejection(
            entry: "mon,,fri 08:00-18:00", error: .invalidDays("", in: "mon,,fri 08:00-18:00"),
            description: #""mon,,fri 08:00-18:00": the day list has an empty item; "# + daysHelp),
        Rejection(entry: "mon, 08:00-18:00", error: .invalidDays("", in: "mon, 08:00-18:00")),
        Rejection(
            entry: "mon-fri 8:00-18:00", error: .invalidTime("mon-fri 8:00-18:00"),
            description: #""mon-fri 8:00-18:00": times are HH:MM (00:00-24:00)"#),
        Rejection(entry: "mon 08:00-18", error: .invalidTime("mon 08:00-18")),
        Rejection(entry: "mon 08:00", error: .invalidTime("mon 08:00")),
        Rejection(entry: "mon 0800-1800", error: .invalidTime("mon 0800-1800")),
        Rejection(entry: "mon 08:00-18:00-20:00", error: .invalidTime("mon 08:00-18:00-20:00")),
        Rejection(entry: "mon 08:00\u{2013}18:00", error: .invalidTime("mon 08:00\u{2013}18:00")),
        Rejection(entry: "mon +8:00-18:00", error: .invalidTime("mon +8:00-18:00")),
        Rejection(entry: "mon 25:00-26:00", error: .invalidTime("mon 25:00-26:00")),
        Rejection(entry: "mon 08:60-09:00", error: .invalidTime("mon 08:60-09:00")),
        Rejection(entry: "mon 08:00-24:01", error: .invalidTime("mon 08:00-24:01")),
        Rejection(
            entry: "mon 24:00-02:00", error: .startsAtEndOfDay("mon 24:00-02:00"),
            description: #""mon 24:00-02:00": a window cannot start at 24:00 (use 00:00 of the next day)"#),
        Rejection(entry: "mon 24:00-24:00", error: .startsAtEndOfDay("mon 24:00-24:00")),
        Rejection(
            entry: "mon 08:00-08:00", error: .emptyWindow("mon 08:00-08:00"),
            description: #""mon 08:00-08:00": the window is empty (its start equals its end); "#
                + "use 00:00-24:00 for a whole day"),
        Rejection(entry: "daily 00:00-00:00", error: .emptyWindow("daily 00:00-00:00")),
    ]

    @Test("a malformed entry is rejected with a message naming it", arguments: rejections)
    func rejects(_ rejection: Rejection) {
        let error = #expect(throws: KeepWarmScheduleError.self) {
            try KeepWarmSchedule([rejection.entry], timeZone: .gmt)
        }
        #expect(error == rejection.error)
        #expect(error?.entry == rejection.entry)
        #expect(error?.description.contains("\n") == false)
        if let description = rejection.description {
            #expect(error?.description == description)
        }
    }

    @Test("the first rejected entry is the one named")
    func namesTheRejectedEntry() {
        #expect(throws: KeepWarmScheduleError.invalidTime("tue 9:00-17:00")) {
            try KeepWarmSchedule(["mon 08:00-18:00", "tue 9:00-17:00", "wed 8-9"], timeZone: .gmt)
        }
    }

    @Test("entries and the zone are kept as given")
    func keepsEntries() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let schedule = try KeepWarmSchedule(["Mon-Fri 08:00-18:00", "sat 22:00-02:00"], timeZone: berlin)
        #expect(schedule.entries == ["Mon-Fri 08:00-18:00", "sat 22:00-02:00"])
        #expect(schedule.timeZone == berlin)
        #expect(!schedule.isEmpty)
        #expect(try schedule == KeepWarmSchedule(schedule.entries, timeZone: berlin))
        #expect(try schedule != KeepWarmSchedule(schedule.entries, timeZone: .gmt))
        #expect(try schedule != KeepWarmSchedule(["mon-fri 08:00-18:00", "sat 22:00-02:00"], timeZone: berlin))
    }

    @Test("an empty schedule contains nothing")
    func empty() throws {
        let schedule = try KeepWarmSchedule([], timeZone: .gmt)
        #expect(schedule.isEmpty)
        #expect(schedule.entries.isEmpty)
        for text in ["2026-03-02T00:00:00Z", "2026-03-02T12:00:00+01:00", "2026-10-25T02:30:00+02:00"] {
            #expect(!schedule.contains(try KeepWarmCase.date(text)))
            #expect(schedule.coverageEnd(containing: try KeepWarmCase.date(text)) == nil)
        }
    }

    static let windows: [KeepWarmCase] = [
        KeepWarmCase(
            name: "the start is inside, the end outside", entries: ["mon 08:00-18:00"],
            inside: ["2026-03-02T08:00:00Z", "2026-03-02T17:59:59Z"],
            outside: ["2026-03-02T07:59:59Z", "2026-03-02T18:00:00Z", "2026-03-03T08:00:00Z"],
            ends: [("2026-03-02T08:00:00Z", "2026-03-02T18:00:00Z"), ("2026-03-02T17:59:59Z", "2026-03-02T18:00:00Z")]),
        KeepWarmCase(
            name: "times are wall times in the schedule's zone", zone: "Asia/Kolkata",
            entries: ["mon 00:00-01:00", "mon 08:00-18:00"],
            inside: ["2026-03-01T18:30:00Z", "2026-03-02T08:00:00+05:30", "2026-03-02T12:29:59Z"],
            outside: ["2026-03-02T00:30:00Z", "2026-03-02T07:59:59+05:30", "2026-03-02T12:30:00Z"],
            ends: [("2026-03-02T02:30:00Z", "2026-03-02T18:00:00+05:30")]),
        KeepWarmCase(
            name: "a whole day ends at 24:00", entries: ["wed 00:00-24:00"],
            inside: ["2026-03-04T00:00:00Z", "2026-03-04T23:59:59Z"],
            outside: ["2026-03-03T23:59:59Z", "2026-03-05T00:00:00Z"],
            ends: [("2026-03-04T00:00:00Z", "2026-03-05T00:00:00Z")]),
        KeepWarmCase(
            name: "an end before the start crosses midnight and belongs to the start's day",
            entries: ["fri 22:00-02:00"],
            inside: ["2026-03-06T22:00:00Z", "2026-03-07T01:59:59Z"],
            outside: [
                "2026-03-06T21:59:59Z", "2026-03-07T02:00:00Z", "2026-03-06T01:00:00Z", "2026-03-07T23:00:00Z",
            ],
            ends: [("2026-03-06T23:00:00Z", "2026-03-07T02:00:00Z"), ("2026-03-07T01:00:00Z", "2026-03-07T02:00:00Z")]),
        KeepWarmCase(
            name: "an end at 00:00 is the next midnight", entries: ["mon 22:00-00:00"],
            inside: ["2026-03-02T23:59:59Z"], outside: ["2026-03-03T00:00:00Z", "2026-03-02T21:59:59Z"],
            ends: [("2026-03-02T22:00:00Z", "2026-03-03T00:00:00Z")]),
        KeepWarmCase(
            name: "sunday's window crosses into the next week's monday", entries: ["sun 23:00-01:00"],
            inside: ["2026-03-02T00:30:00Z", "2026-03-08T23:00:00Z", "2026-03-09T00:59:59Z"],
            outside: ["2026-03-08T00:30:00Z", "2026-03-09T01:00:00Z", "2026-03-09T23:30:00Z"],
            ends: [("2026-03-08T23:00:00Z", "2026-03-09T01:00:00Z")]),
        KeepWarmCase(
            name: "a wrapping day range with windows across midnight", entries: ["sat-sun 22:00-02:00"],
            inside: ["2026-03-07T23:00:00Z", "2026-03-08T01:00:00Z", "2026-03-09T01:00:00Z"],
            outside: ["2026-03-07T01:00:00Z", "2026-03-08T12:00:00Z", "2026-03-09T22:00:00Z"],
            ends: [("2026-03-08T23:00:00Z", "2026-03-09T02:00:00Z")]),
    ]

    @Test("windows at their edges", arguments: windows)
    func window(_ window: KeepWarmCase) throws {
        try window.check()
    }

    static let merges: [KeepWarmCase] = [
        KeepWarmCase(
            name: "touching windows merge", entries: ["mon 12:00-18:00", "mon 08:00-12:00"],
            inside: ["2026-03-02T12:00:00Z"],
            ends: [("2026-03-02T09:00:00Z", "2026-03-02T18:00:00Z"), ("2026-03-02T12:00:00Z", "2026-03-02T18:00:00Z")]),
        KeepWarmCase(
            name: "overlapping windows merge", entries: ["mon 08:00-12:00", "mon 10:00-14:00"],
            ends: [("2026-03-02T09:00:00Z", "2026-03-02T14:00:00Z"), ("2026-03-02T13:00:00Z", "2026-03-02T14:00:00Z")]),
        KeepWarmCase(
            name: "a window inside another does not shorten it", entries: ["mon 08:00-18:00", "mon 10:00-12:00"],
            ends: [("2026-03-02T11:00:00Z", "2026-03-02T18:00:00Z")]),
        KeepWarmCase(
            name: "a minute apart is a gap", entries: ["mon 08:00-12:00", "mon 12:01-18:00"],
            outside: ["2026-03-02T12:00:00Z"],
            ends: [("2026-03-02T09:00:00Z", "2026-03-02T12:00:00Z"), ("2026-03-02T12:01:00Z", "2026-03-02T18:00:00Z")]),
        KeepWarmCase(
            name: "windows merge across midnight", entries: ["mon 20:00-24:00", "tue 00:00-06:00"],
            ends: [("2026-03-02T21:00:00Z", "2026-03-03T06:00:00Z")]),
        KeepWarmCase(
            name: "a window crossing midnight merges with the next day's",
            entries: ["fri 22:00-02:00", "sat 01:00-09:00"],
            ends: [("2026-03-06T23:00:00Z", "2026-03-07T09:00:00Z")]),
        KeepWarmCase(
            name: "windows merge across days", entries: ["weekdays 06:00-22:00", "daily 22:00-06:00"],
            outside: ["2026-03-07T06:00:00Z"],
            ends: [
                ("2026-03-02T12:00:00Z", "2026-03-07T06:00:00Z"), ("2026-03-07T05:00:00Z", "2026-03-07T06:00:00Z"),
                ("2026-03-08T23:00:00Z", "2026-03-14T06:00:00Z"),
            ]),
        KeepWarmCase(
            name: "coverage with one gap a week ends at the gap", entries: ["tue-sun 00:00-24:00", "mon 00:00-12:00"],
            outside: ["2026-03-02T12:00:00Z"],
            ends: [("2026-03-03T00:00:00Z", "2026-03-09T12:00:00Z"), ("2026-03-02T06:00:00Z", "2026-03-02T12:00:00Z")]),
        KeepWarmCase(
            name: "an always-on schedule's coverage ends 8 days on", entries: ["daily 00:00-24:00"],
            ends: [("2026-03-02T09:30:00Z", "2026-03-10T09:30:00Z"), ("2026-03-08T23:59:59Z", "2026-03-16T23:59:59Z")]),
        KeepWarmCase(
            name: "always on from touching windows", entries: ["weekdays 00:00-24:00", "sat-sun 00:00-24:00"],
            ends: [("2026-03-07T12:00:00Z", "2026-03-15T12:00:00Z")]),
    ]

    @Test("touching and overlapping windows merge into one coverage", arguments: merges)
    func merge(_ merge: KeepWarmCase) throws {
        try merge.check()
    }

    @Test("the coverage horizon is 8 × 24 hours")
    func horizon() {
        #expect(KeepWarmSchedule.coverageHorizon == 8 * 24 * 3600)
    }
}
