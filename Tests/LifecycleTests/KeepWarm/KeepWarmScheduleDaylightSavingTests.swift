import Testing

/// Keep-warm windows on the days clocks change: Berlin skips 02:00-03:00 on 2026-03-29 and repeats it on 2026-10-25;
/// New York skips 02:00-03:00 on 2026-03-08 and repeats 01:00-02:00 on 2026-11-01.
@Suite("KeepWarmSchedule across daylight-saving changes")
struct KeepWarmScheduleDaylightSavingTests {
    static let springForward: [KeepWarmCase] = [
        KeepWarmCase(
            name: "Berlin: a start in the skipped hour moves to its end", zone: "Europe/Berlin",
            entries: ["sun 02:30-04:00"],
            inside: ["2026-03-29T03:59:59+02:00", "2026-03-22T02:30:00+01:00"],
            outside: ["2026-03-29T01:59:59+01:00", "2026-03-29T04:00:00+02:00", "2026-03-22T02:29:59+01:00"],
            ends: [("2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00")]),
        KeepWarmCase(
            name: "Berlin: an end in the skipped hour moves to its end", zone: "Europe/Berlin",
            entries: ["sun 01:00-02:30"],
            outside: ["2026-03-29T00:59:59+01:00", "2026-03-29T03:00:00+02:00"],
            ends: [
                ("2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00"),
                ("2026-03-29T01:59:59+01:00", "2026-03-29T03:00:00+02:00"),
            ]),
        KeepWarmCase(
            name: "Berlin: a window wholly in the skipped hour is empty that day", zone: "Europe/Berlin",
            entries: ["sun 02:10-02:40"],
            inside: ["2026-03-22T02:10:00+01:00", "2026-04-05T02:39:59+02:00"],
            outside: ["2026-03-29T01:59:59+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T03:20:00+02:00"]),
        KeepWarmCase(
            name: "Berlin: a window across midnight ends after the skipped hour", zone: "Europe/Berlin",
            entries: ["sat 22:00-02:30"],
            inside: ["2026-03-29T01:59:59+01:00"], outside: ["2026-03-29T03:00:00+02:00"],
            ends: [("2026-03-28T22:00:00+01:00", "2026-03-29T03:00:00+02:00")]),
        KeepWarmCase(
            name: "Berlin: the whole day is 23 hours", zone: "Europe/Berlin", entries: ["sun 00:00-24:00"],
            inside: ["2026-03-29T23:59:59+02:00"],
            outside: ["2026-03-28T23:59:59+01:00", "2026-03-30T00:00:00+02:00"],
            ends: [("2026-03-29T00:00:00+01:00", "2026-03-29T22:00:00Z")]),
        KeepWarmCase(
            name: "Berlin: windows apart only by the skipped hour merge", zone: "Europe/Berlin",
            entries: ["daily 00:00-02:30", "daily 02:45-24:00"],
            outside: ["2026-03-28T02:30:00+01:00", "2026-03-30T02:30:00+02:00"],
            ends: [
                ("2026-03-28T12:00:00+01:00", "2026-03-30T02:30:00+02:00"),
                ("2026-03-22T01:00:00+01:00", "2026-03-22T02:30:00+01:00"),
            ]),
        KeepWarmCase(
            name: "New York: a window wholly in the skipped hour is empty that day", zone: "America/New_York",
            entries: ["sun 02:00-03:00"],
            inside: ["2026-03-15T02:30:00-04:00", "2026-03-01T02:00:00-05:00"],
            outside: ["2026-03-08T01:59:59-05:00", "2026-03-08T03:00:00-04:00"]),
        KeepWarmCase(
            name: "New York: an end in the skipped hour moves to its end", zone: "America/New_York",
            entries: ["sun 01:30-02:30"],
            outside: ["2026-03-08T01:29:59-05:00", "2026-03-08T03:00:00-04:00"],
            ends: [("2026-03-08T01:30:00-05:00", "2026-03-08T07:00:00Z")]),
        KeepWarmCase(
            name: "New York: a start in the skipped hour moves to its end", zone: "America/New_York",
            entries: ["sun 02:00-04:00"],
            outside: ["2026-03-08T01:59:59-05:00", "2026-03-08T04:00:00-04:00"],
            ends: [("2026-03-08T03:00:00-04:00", "2026-03-08T04:00:00-04:00")]),
    ]

    @Test("a skipped hour moves starts and ends to its end", arguments: springForward)
    func skippedHour(_ window: KeepWarmCase) throws {
        try window.check()
    }

    static let fallBack: [KeepWarmCase] = [
        KeepWarmCase(
            name: "Berlin: a start in the repeated hour takes its first occurrence", zone: "Europe/Berlin",
            entries: ["sun 02:30-05:00"],
            inside: ["2026-10-25T02:29:59+01:00", "2026-10-25T04:59:59+01:00"],
            outside: ["2026-10-25T02:29:59+02:00", "2026-10-25T05:00:00+01:00"],
            ends: [("2026-10-25T02:30:00+02:00", "2026-10-25T05:00:00+01:00")]),
        KeepWarmCase(
            name: "Berlin: an end in the repeated hour takes its second occurrence", zone: "Europe/Berlin",
            entries: ["sun 00:00-02:30"],
            inside: ["2026-10-25T02:45:00+02:00", "2026-10-25T02:10:00+01:00", "2026-10-25T02:29:59+01:00"],
            outside: ["2026-10-25T02:30:00+01:00", "2026-10-24T23:59:59+02:00"],
            ends: [("2026-10-25T01:00:00+02:00", "2026-10-25T02:30:00+01:00")]),
        KeepWarmCase(
            name: "Berlin: a window inside the repeated hour covers both occurrences", zone: "Europe/Berlin",
            entries: ["sun 02:15-02:45"],
            inside: ["2026-10-25T02:50:00+02:00", "2026-10-25T02:10:00+01:00", "2026-10-25T02:44:59+01:00"],
            outside: ["2026-10-25T02:14:59+02:00", "2026-10-25T02:45:00+01:00"],
            ends: [("2026-10-25T02:15:00+02:00", "2026-10-25T01:45:00Z")]),
        KeepWarmCase(
            name: "Berlin: a window across midnight ends at the second occurrence", zone: "Europe/Berlin",
            entries: ["sat 22:00-02:30"],
            inside: ["2026-10-25T02:29:59+01:00"], outside: ["2026-10-25T02:30:00+01:00"],
            ends: [("2026-10-24T22:00:00+02:00", "2026-10-25T02:30:00+01:00")]),
        KeepWarmCase(
            name: "Berlin: the whole day is 25 hours", zone: "Europe/Berlin", entries: ["sun 00:00-24:00"],
            inside: ["2026-10-25T23:59:59+01:00"],
            outside: ["2026-10-24T23:59:59+02:00", "2026-10-26T00:00:00+01:00"],
            ends: [("2026-10-25T00:00:00+02:00", "2026-10-25T23:00:00Z")]),
        KeepWarmCase(
            name: "New York: a window inside the repeated hour covers both occurrences", zone: "America/New_York",
            entries: ["sun 01:30-01:45"],
            inside: ["2026-11-01T01:50:00-04:00", "2026-11-01T01:10:00-05:00", "2026-11-01T01:44:59-05:00"],
            outside: ["2026-11-01T01:29:59-04:00", "2026-11-01T01:45:00-05:00"],
            ends: [("2026-11-01T01:30:00-04:00", "2026-11-01T06:45:00Z")]),
        KeepWarmCase(
            name: "New York: a window over the repeated hour lasts an hour longer", zone: "America/New_York",
            entries: ["sun 01:00-02:00"],
            outside: ["2026-11-01T00:59:59-04:00", "2026-11-01T02:00:00-05:00"],
            ends: [("2026-11-01T01:00:00-04:00", "2026-11-01T07:00:00Z")]),
        KeepWarmCase(
            name: "New York: a window across midnight ends at the second occurrence", zone: "America/New_York",
            entries: ["sat 23:00-01:30"],
            inside: ["2026-11-01T01:29:59-05:00"], outside: ["2026-11-01T01:30:00-05:00"],
            ends: [("2026-10-31T23:00:00-04:00", "2026-11-01T01:30:00-05:00")]),
    ]

    @Test("a repeated hour starts windows at its first occurrence and ends them at its second", arguments: fallBack)
    func repeatedHour(_ window: KeepWarmCase) throws {
        try window.check()
    }
}
