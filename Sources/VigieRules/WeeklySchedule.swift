import Foundation
import VigieCore

/// When a rule is active, week after week, in the camera's local time.
///
/// A schedule is a list of intervals; the rule is active when any interval covers the
/// moment. Each interval names its days and a start and end time of day (`"HH:MM"`); it
/// covers start ≤ t < end (the end minute is excluded). An interval whose end is earlier
/// than its start crosses midnight: it belongs to its start day and continues into the
/// next morning, so `{"days": ["fri"], "start": "22:00", "end": "06:00"}` covers Friday
/// 22:00 to Saturday 06:00. `"24:00"` is accepted as an end (end of the day).
///
/// Local time is UTC shifted by `utcOffsetMinutes`, or, when `timeZone` names an IANA
/// time zone (`"Europe/Paris"`), that zone's offset at each moment, so summer time is
/// followed. Give one or the other.
///
/// Rules read time from frames, never from a clock: they map a frame's `Timestamp`
/// (seconds from the start of the stream) to wall-clock time through the stream's start
/// time, with ``isActive(at:streamStart:)``. ``isActive(weekday:minuteOfDay:)`` is the pure
/// core, on local weekday and minute.
public struct WeeklySchedule: Codable, Sendable, Equatable {
    /// A day, or a group of days, in an interval's `days` list.
    public enum Day: String, Codable, Sendable, CaseIterable {
        /// Monday.
        case mon
        /// Tuesday.
        case tue
        /// Wednesday.
        case wed
        /// Thursday.
        case thu
        /// Friday.
        case fri
        /// Saturday.
        case sat
        /// Sunday.
        case sun
        /// Monday to Friday.
        case weekdays
        /// Saturday and Sunday.
        case weekend
        /// Every day.
        case all

        /// The ISO weekdays (1 = Monday … 7 = Sunday) this entry stands for.
        public var isoWeekdays: [Int] {
            switch self {
            case .mon: [1]
            case .tue: [2]
            case .wed: [3]
            case .thu: [4]
            case .fri: [5]
            case .sat: [6]
            case .sun: [7]
            case .weekdays: [1, 2, 3, 4, 5]
            case .weekend: [6, 7]
            case .all: [1, 2, 3, 4, 5, 6, 7]
            }
        }
    }

    /// A time of day, hours and minutes, written `"HH:MM"` in files. 00:00…23:59, and
    /// 24:00 as an interval end.
    public struct TimeOfDay: Hashable, Sendable, Codable, CustomStringConvertible {
        /// Hour, 0…23 (24 only for 24:00).
        public var hour: Int
        /// Minute, 0…59.
        public var minute: Int

        /// A time of day; ranges are checked by ``Scene/validate()``.
        public init(hour: Int, minute: Int) {
            self.hour = hour
            self.minute = minute
        }

        /// Minutes since midnight, 0…1440.
        public var minuteOfDay: Int { hour * 60 + minute }

        /// `"HH:MM"`.
        public var description: String {
            (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
        }

        /// Whether this is a valid time of day (00:00…23:59, or 24:00 when `allowEnd`).
        func isValid(allowEndOfDay: Bool) -> Bool {
            ((0...23).contains(hour) && (0...59).contains(minute)) || (allowEndOfDay && hour == 24 && minute == 0)
        }

        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
                parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                let h = Int(parts[0]), let m = Int(parts[1])
            else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a time of day (HH:MM)"))
            }
            let time = TimeOfDay(hour: h, minute: m)
            let isStart = decoder.codingPath.last?.stringValue == "start"
            guard time.isValid(allowEndOfDay: !isStart) else {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: decoder.codingPath,
                        debugDescription: Self.rangeReason(text, allowEndOfDay: !isStart)))
            }
            self = time
        }

        static func rangeReason(_ text: String, allowEndOfDay: Bool) -> String {
            "\"\(text)\" is not a time of day (HH:MM, 00:00…23:59\(allowEndOfDay ? ", or 24:00 for an end" : ""))"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode(description)
        }
    }

    /// Days and a daily time range.
    public struct Interval: Codable, Sendable, Equatable {
        /// The days the interval starts on (an interval crossing midnight ends the next day).
        public var days: [Day]
        /// Start time, local, included.
        public var start: TimeOfDay
        /// End time, local, excluded; earlier than `start` to cross midnight; 24:00 for the end of the day.
        public var end: TimeOfDay

        /// An interval on `days` from `start` (included) to `end` (excluded).
        public init(days: [Day], start: TimeOfDay, end: TimeOfDay) {
            self.days = days
            self.start = start
            self.end = end
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case days, start, end }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            var daysContainer = try c.nestedUnkeyedContainer(forKey: .days)
            var days: [Day] = []
            let daysDecoder = try c.superDecoder(forKey: .days)
            while !daysContainer.isAtEnd {
                let index = daysContainer.currentIndex
                let name = try daysContainer.decode(String.self)
                days.append(
                    try daysDecoder.decodeName(Day.self, from: name, at: IndexKey(index), what: "day"))
            }
            self.init(
                days: days, start: try c.decode(TimeOfDay.self, forKey: .start),
                end: try c.decode(TimeOfDay.self, forKey: .end))
        }

        /// Whether the interval covers a local ISO weekday (1 = Monday … 7 = Sunday) and
        /// minute of the day (0…1439).
        public func covers(weekday: Int, minuteOfDay minute: Int) -> Bool {
            let s = start.minuteOfDay, e = end.minuteOfDay
            if s < e {
                return minute >= s && minute < e && startsOn(weekday)
            }
            // Crossing midnight: the evening of a listed day, or the morning after one.
            let previous = weekday == 1 ? 7 : weekday - 1
            return (minute >= s && startsOn(weekday)) || (minute < e && startsOn(previous))
        }

        private func startsOn(_ weekday: Int) -> Bool { days.contains { $0.isoWeekdays.contains(weekday) } }
    }

    /// The intervals; the schedule is active when any covers the moment. At least one.
    public var intervals: [Interval]
    /// Offset of the camera's local time from UTC, in minutes (−720…840; Paris in winter: 60).
    /// Default 0. Not used when `timeZone` is given.
    public var utcOffsetMinutes: Int
    /// An IANA time zone identifier (`"Europe/Paris"`), followed through summer time. Optional.
    public var timeZone: String?

    /// A schedule of intervals in local time.
    public init(intervals: [Interval], utcOffsetMinutes: Int = 0, timeZone: String? = nil) {
        self.intervals = intervals
        self.utcOffsetMinutes = utcOffsetMinutes
        self.timeZone = timeZone
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case intervals, utcOffsetMinutes, timeZone }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            intervals: try c.decode([Interval].self, forKey: .intervals),
            utcOffsetMinutes: try c.decodeIntegerIfPresent(forKey: .utcOffsetMinutes) ?? 0,
            timeZone: try c.decodeIfPresent(String.self, forKey: .timeZone))
    }

    /// Whether the schedule is active on a local ISO weekday (1 = Monday … 7 = Sunday) at a
    /// local minute of the day (0…1439). Pure: no clock, no time zone.
    public func isActive(weekday: Int, minuteOfDay: Int) -> Bool {
        precondition((1...7).contains(weekday), "weekday must be 1 (Monday)…7 (Sunday), got \(weekday)")
        precondition((0..<1440).contains(minuteOfDay), "minuteOfDay must be 0…1439, got \(minuteOfDay)")
        return intervals.contains { $0.covers(weekday: weekday, minuteOfDay: minuteOfDay) }
    }

    /// Whether the schedule is active at a wall-clock instant, in the camera's local time.
    public func isActive(at date: Date) -> Bool {
        let (weekday, minute) = localWeekdayAndMinute(of: date)
        return isActive(weekday: weekday, minuteOfDay: minute)
    }

    /// Whether the schedule is active at a frame's timestamp (seconds from the start of the
    /// stream), given the wall-clock instant at which the stream started.
    public func isActive(at timestamp: Timestamp, streamStart: Date) -> Bool {
        isActive(at: streamStart.addingTimeInterval(timestamp.seconds))
    }

    /// The local ISO weekday (1 = Monday … 7 = Sunday) and minute of the day (0…1439) of an instant.
    public func localWeekdayAndMinute(of date: Date) -> (weekday: Int, minuteOfDay: Int) {
        var offset = Double(utcOffsetMinutes * 60)
        if let identifier = timeZone, let zone = TimeZone(identifier: identifier) {
            offset = Double(zone.secondsFromGMT(for: date))
        }
        let local = date.timeIntervalSince1970 + offset
        let days = (local / 86_400).rounded(.down)
        let secondsInDay = local - days * 86_400
        // 1 January 1970 was a Thursday (ISO 4).
        let weekday = ((Int(days) % 7 + 7 + 3) % 7) + 1
        return (weekday, min(1439, max(0, Int((secondsInDay / 60).rounded(.down)))))
    }
}
