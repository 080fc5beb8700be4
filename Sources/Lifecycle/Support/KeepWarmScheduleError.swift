/// Why a keep-warm entry was rejected; `description` is one line naming the entry, e.g.
/// `"mon-fri 8:00-18:00": times are HH:MM (00:00-24:00)`.
package struct KeepWarmScheduleError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case malformed, invalidDays, invalidTime, startsAtEndOfDay, emptyWindow
    }

    private let code: Code
    /// The entry as given.
    package let entry: String
    /// What is wrong with it, without the entry.
    package let message: String

    private init(_ code: Code, _ entry: String, _ message: String) {
        self.code = code
        self.entry = entry
        self.message = message
    }

    private static let daysHelp =
        "days are mon..sun, a range like mon-fri or fri-mon, a list like mon,wed,fri, daily, weekdays or weekends"

    /// The entry is not two parts separated by one space.
    package static func malformed(_ entry: String) -> Self {
        .init(.malformed, entry, #"expected "<days> <HH:MM>-<HH:MM>" with single spaces, e.g. "mon-fri 08:00-18:00""#)
    }

    /// `item`, one item of the entry's comma-separated days, names no day or range of days.
    package static func invalidDays(_ item: String, in entry: String) -> Self {
        let what = item.isEmpty ? "the day list has an empty item" : "\(String(reflecting: item)) is not a day"
        return .init(.invalidDays, entry, "\(what); \(daysHelp)")
    }

    /// The time range is not `HH:MM-HH:MM` with times from 00:00 to 24:00.
    package static func invalidTime(_ entry: String) -> Self {
        .init(.invalidTime, entry, "times are HH:MM (00:00-24:00)")
    }

    /// The window starts at 24:00, which is the next day's 00:00.
    package static func startsAtEndOfDay(_ entry: String) -> Self {
        .init(.startsAtEndOfDay, entry, "a window cannot start at 24:00 (use 00:00 of the next day)")
    }

    /// The window starts and ends at the same time.
    package static func emptyWindow(_ entry: String) -> Self {
        .init(.emptyWindow, entry, "the window is empty (its start equals its end); use 00:00-24:00 for a whole day")
    }

    package var description: String { "\(String(reflecting: entry)): \(message)" }
}
