import Foundation

/// The hours in which a lazy worker is kept warm (never put to sleep beyond paused), as wall-clock windows such as
/// `"mon-fri 08:00-18:00"` in one time zone.
///
/// An entry is `<days> <HH:MM>-<HH:MM>`, case-insensitive, with one space. Days are `mon`..`sun`, a range `mon-fri`
/// (ranges may wrap, `fri-mon`; `wed-wed` is Wednesday alone), `daily`, `weekdays` (mon-fri), `weekends` (sat,sun),
/// or a comma list of those (`mon,wed-fri`). The end may be `24:00`, the end of the day. An end earlier than the
/// start crosses midnight, and the window belongs to the day it starts on: `fri 22:00-02:00` runs from Friday 22:00
/// to Saturday 02:00. A start equal to the end is rejected.
///
/// Daylight-saving changes: a window runs from the first instant whose wall time is at or after its start to the
/// first instant from which the wall time stays at or after its end. So a start or an end in a skipped hour moves to
/// the end of the gap (a spring-forward 02:30 becomes 03:00, and a window wholly inside the gap is empty that day),
/// and a wall time that occurs twice (fall back) starts a window at its first occurrence and ends one at its second,
/// so that the window covers both. Days are local dates, of 23, 24 or 25 hours.
package struct KeepWarmSchedule: Sendable, Hashable {
    /// The entries as given, for JSON round trips.
    package let entries: [String]
    /// The zone whose wall-clock times the entries name.
    package let timeZone: TimeZone
    private let windows: [Window]

    /// How far past its argument `coverageEnd(containing:)` follows the coverage: 8 × 24 hours, more than a week,
    /// so that any schedule that is not always on shows its first gap.
    package static let coverageHorizon: TimeInterval = 8 * 24 * 3600

    /// Parses `entries`, throwing for the first that is not a window.
    package init(_ entries: [String], timeZone: TimeZone) throws(KeepWarmScheduleError) {
        var windows: [Window] = []
        for entry in entries {
            windows.append(try Window(parsing: entry))
        }
        self.entries = entries
        self.timeZone = timeZone
        self.windows = windows
    }

    /// Whether the schedule has no window, so that it contains no instant.
    package var isEmpty: Bool { windows.isEmpty }

    /// Whether `date` falls inside any window (a window contains its start and not its end).
    package func contains(_ date: Date) -> Bool {
        let time = date.timeIntervalSince1970
        let day = localDay(of: time)
        // A window covers wall times on the day it opens and the next; a day more either side allows for a fall
        // back across midnight, which gives instants of one local date to the wall times of another.
        return spans(openingOn: day - 2...day + 1).contains { $0.contains(time) }
    }

    /// When the continuous keep-warm coverage that contains `date` ends, or nil when `date` is in no window. Windows
    /// that overlap or touch are merged, also across midnight and across days. The coverage is followed for at most
    /// `coverageHorizon` (8 × 24 hours): when it runs on past that, as for `daily 00:00-24:00`, the result is
    /// `date + coverageHorizon`, and the caller asks again then.
    package func coverageEnd(containing date: Date) -> Date? {
        let time = date.timeIntervalSince1970
        let limit = time + Self.coverageHorizon
        let day = localDay(of: time)
        // Ten local days past `day` reach beyond `limit` whatever the zone's offsets do in between.
        let spans = spans(openingOn: day - 2...day + 10).sorted { $0.lowerBound < $1.lowerBound }
        guard spans.contains(where: { $0.contains(time) }) else { return nil }
        var end = time
        for span in spans {
            if span.lowerBound > end || end >= limit { break }
            end = max(end, span.upperBound)
        }
        return Date(timeIntervalSince1970: min(end, limit))
    }
}

extension KeepWarmSchedule {
    /// Whether a wall time that occurs twice resolves to its first occurrence (a window's start) or its last (an end).
    private enum Occurrence {
        case first, last
    }

    private static let secondsPerDay: Int64 = 86_400

    /// The instants each window opening on the local days `days` covers, as seconds since the Unix epoch.
    private func spans(openingOn days: ClosedRange<Int64>) -> [Range<Double>] {
        days.flatMap { day in
            let weekday = Self.weekday(ofLocalDay: day)
            return windows.filter { $0.opens(on: weekday) }.map { window in
                let midnight = day * Self.secondsPerDay
                let start = instant(atWallTime: midnight + Int64(window.start) * 60, taking: .first)
                let end = instant(atWallTime: midnight + Int64(window.end) * 60, taking: .last)
                return Double(start)..<Double(max(start, end))
            }
        }
    }

    /// The local date of `time` (seconds since the Unix epoch) as days since 1970-01-01.
    private func localDay(of time: TimeInterval) -> Int64 {
        let wallTime = time + Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: time)))
        return Int64((wallTime / Double(Self.secondsPerDay)).rounded(.down))
    }

    /// The day of the week of a local date given as days since 1970-01-01 (a Thursday): 0 is Monday, 6 Sunday.
    private static func weekday(ofLocalDay day: Int64) -> Int {
        Int((day % 7 + 7 + 3) % 7)
    }

    /// The instant (seconds since the Unix epoch) at which the wall clock reads `wallTime` (seconds since
    /// 1970-01-01 00:00 local time); in a skipped hour, the end of the gap.
    ///
    /// Local dates are Gregorian day numbers, as a Gregorian `Calendar` in the zone counts them, but instants come
    /// from the zone's offsets here rather than from `Calendar`'s matching and repeated-time policies: the rules for
    /// skipped and repeated times are then this type's own, one per bound, and do not vary with Foundation.
    private func instant(atWallTime wallTime: Int64, taking occurrence: Occurrence) -> Int64 {
        // The offsets a day before and after bracket any change of offset near `wallTime`.
        let offsets = Set([wallTime - Self.secondsPerDay, wallTime, wallTime + Self.secondsPerDay].map(offset(at:)))
        let exact = offsets.map { wallTime - $0 }.filter { wallTime - offset(at: $0) == $0 }
        if let instant = occurrence == .first ? exact.min() : exact.max() { return instant }
        // No instant reads `wallTime`: the clock jumps over it. Find the jump, where the wall time first passes it.
        var before = wallTime - offsets.max()!
        var after = wallTime - offsets.min()!
        while after - before > 1 {
            let middle = before + (after - before) / 2
            if middle + offset(at: middle) >= wallTime { after = middle } else { before = middle }
        }
        return after
    }

    /// The zone's offset from UTC at `instant` (seconds since the Unix epoch), in seconds.
    private func offset(at instant: Int64) -> Int64 {
        Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))))
    }
}

extension KeepWarmSchedule {
    /// One parsed entry: the days it opens on and its wall-clock times.
    private struct Window: Sendable, Hashable {
        private static let dayNames: [Substring] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        private static let minutesPerDay = 24 * 60

        /// Bit `n` is set when the window opens on weekday `n`, 0 being Monday.
        private let days: UInt8
        /// Minutes after the opening day's local midnight.
        let start: Int
        /// Minutes after the opening day's local midnight, after `start`: past 1440 when the window crosses midnight.
        let end: Int

        /// Parses `entry`, `<days> <HH:MM>-<HH:MM>`.
        init(parsing entry: String) throws(KeepWarmScheduleError) {
            let parts = entry.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw .malformed(entry) }
            var days: UInt8 = 0
            for item in parts[0].split(separator: ",", omittingEmptySubsequences: false) {
                days |= try Self.days(item, in: entry)
            }
            let times = parts[1].split(separator: "-", omittingEmptySubsequences: false)
            guard times.count == 2, let start = Self.minutes(times[0]), let end = Self.minutes(times[1]) else {
                throw .invalidTime(entry)
            }
            guard start < Self.minutesPerDay else { throw .startsAtEndOfDay(entry) }
            guard start != end else { throw .emptyWindow(entry) }
            self.days = days
            self.start = start
            self.end = end > start ? end : end + Self.minutesPerDay
        }

        /// Whether the window opens on `weekday`, 0 being Monday.
        func opens(on weekday: Int) -> Bool {
            days & (1 << weekday) != 0
        }

        /// The days one item of a day list names, as a bit set.
        private static func days(_ item: Substring, in entry: String) throws(KeepWarmScheduleError) -> UInt8 {
            let name = item.lowercased()
            switch name {
            case "daily": return 0b111_1111
            case "weekdays": return 0b001_1111
            case "weekends": return 0b110_0000
            default: break
            }
            let ends = name.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count <= 2, let first = dayNames.firstIndex(of: ends[0]),
                let last = dayNames.firstIndex(of: ends[ends.count - 1])
            else { throw .invalidDays(String(item), in: entry) }
            var days: UInt8 = 1 << last
            var day = first
            while day != last {
                days |= 1 << day
                day = (day + 1) % 7
            }
            return days
        }

        /// The minutes after midnight that `HH:MM` names, from 00:00 to 24:00, or nil.
        private static func minutes(_ text: Substring) -> Int? {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy { ("0"..."9").contains($0) } }),
                let hours = Int(parts[0]), let minutes = Int(parts[1]), minutes < 60,
                hours < 24 || (hours == 24 && minutes == 0)
            else { return nil }
            return hours * 60 + minutes
        }
    }
}
