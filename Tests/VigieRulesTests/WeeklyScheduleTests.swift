import Foundation
import Testing
import VigieCore

@testable import VigieRules

@Suite("Weekly schedule")
struct WeeklyScheduleTests {
    typealias Interval = WeeklySchedule.Interval
    typealias Time = WeeklySchedule.TimeOfDay

    /// Reference: the set of minutes of the week (0 = Monday 00:00) an interval covers, built by walking it.
    static func reference(_ schedule: WeeklySchedule) -> Set<Int> {
        var minutes = Set<Int>()
        for interval in schedule.intervals {
            for day in Set(interval.days.flatMap(\.isoWeekdays)) {
                let start = (day - 1) * 1440 + interval.start.minuteOfDay
                var length = interval.end.minuteOfDay - interval.start.minuteOfDay
                if length < 0 { length += 1440 }
                for m in 0..<length { minutes.insert((start + m) % (7 * 1440)) }
            }
        }
        return minutes
    }

    static let schedules: [WeeklySchedule] = [
        WeeklySchedule(intervals: [
            Interval(days: [.fri], start: Time(hour: 22, minute: 0), end: Time(hour: 6, minute: 0))
        ]),
        WeeklySchedule(intervals: [
            Interval(days: [.sun], start: Time(hour: 23, minute: 30), end: Time(hour: 0, minute: 30))
        ]),
        WeeklySchedule(intervals: [
            Interval(days: [.weekend], start: Time(hour: 0, minute: 0), end: Time(hour: 24, minute: 0))
        ]),
        WeeklySchedule(intervals: [
            Interval(days: [.weekdays], start: Time(hour: 18, minute: 30), end: Time(hour: 7, minute: 30)),
            Interval(days: [.wed], start: Time(hour: 12, minute: 0), end: Time(hour: 14, minute: 0)),
        ]),
        WeeklySchedule(intervals: [
            Interval(days: [.all], start: Time(hour: 0, minute: 1), end: Time(hour: 0, minute: 0))
        ]),
    ]

    @Test(arguments: schedules.indices)
    func matchesReferenceOnEveryMinuteOfTheWeek(index: Int) {
        let schedule = Self.schedules[index]
        let expected = Self.reference(schedule)
        var mismatches = 0
        for weekday in 1...7 {
            for minute in 0..<1440
            where schedule.isActive(weekday: weekday, minuteOfDay: minute)
                != expected.contains((weekday - 1) * 1440 + minute)
            {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
    }

    @Test func midnightCrossingBelongsToTheStartDay() {
        let friday = Self.schedules[0]
        #expect(!friday.isActive(weekday: 5, minuteOfDay: 21 * 60 + 59))
        #expect(friday.isActive(weekday: 5, minuteOfDay: 22 * 60))  // start included
        #expect(friday.isActive(weekday: 5, minuteOfDay: 1439))
        #expect(friday.isActive(weekday: 6, minuteOfDay: 0))
        #expect(friday.isActive(weekday: 6, minuteOfDay: 5 * 60 + 59))
        #expect(!friday.isActive(weekday: 6, minuteOfDay: 6 * 60))  // end excluded
        #expect(!friday.isActive(weekday: 5, minuteOfDay: 3 * 60))  // Friday morning belongs to Thursday
        #expect(!friday.isActive(weekday: 6, minuteOfDay: 22 * 60))
        // Sunday night runs into Monday morning (the week wraps).
        let sunday = Self.schedules[1]
        #expect(sunday.isActive(weekday: 7, minuteOfDay: 23 * 60 + 30))
        #expect(sunday.isActive(weekday: 1, minuteOfDay: 29))
        #expect(!sunday.isActive(weekday: 1, minuteOfDay: 30))
    }

    @Test func weekendAndEndOfDay() {
        let weekend = Self.schedules[2]
        #expect(!weekend.isActive(weekday: 5, minuteOfDay: 1439))
        #expect(weekend.isActive(weekday: 6, minuteOfDay: 0))
        #expect(weekend.isActive(weekday: 7, minuteOfDay: 1439))
        #expect(!weekend.isActive(weekday: 1, minuteOfDay: 0))
    }

    @Test func wallClockUsesTheOffset() {
        // 2024-01-05 21:30 UTC is a Friday; 22:30 in UTC+1.
        let date = Date(timeIntervalSince1970: 1_704_490_200)
        let utc = Self.schedules[0]
        var paris = utc
        paris.utcOffsetMinutes = 60
        #expect(utc.localWeekdayAndMinute(of: date) == (5, 21 * 60 + 30))
        #expect(!utc.isActive(at: date))
        #expect(paris.isActive(at: date))
        // 2024-01-06 05:30 UTC: Saturday 06:30 in Paris (inactive), 05:30 in UTC (active).
        let morning = Date(timeIntervalSince1970: 1_704_519_000)
        #expect(utc.isActive(at: morning) && !paris.isActive(at: morning))
        // Negative offsets move to the previous day: Thursday 1970-01-01 00:30 UTC is Wednesday 20:30 in UTC−4.
        var newYork = utc
        newYork.utcOffsetMinutes = -240
        #expect(newYork.localWeekdayAndMinute(of: Date(timeIntervalSince1970: 1800)) == (3, 20 * 60 + 30))
    }

    @Test func timeZoneFollowsSummerTime() {
        var schedule = WeeklySchedule(intervals: [
            Interval(days: [.all], start: Time(hour: 8, minute: 0), end: Time(hour: 9, minute: 0))
        ])
        schedule.timeZone = "Europe/Paris"
        // 2024-01-15 07:30 UTC = 08:30 in Paris (winter, UTC+1); 2024-07-15 07:30 UTC = 09:30 (summer, UTC+2).
        #expect(schedule.isActive(at: Date(timeIntervalSince1970: 1_705_303_800)))
        #expect(!schedule.isActive(at: Date(timeIntervalSince1970: 1_721_028_600)))
        #expect(schedule.isActive(at: Date(timeIntervalSince1970: 1_721_028_600 - 3600)))
    }

    @Test func frameTimestampsMapThroughTheStreamStart() {
        let start = Date(timeIntervalSince1970: 1_704_490_200)  // Friday 21:30 UTC
        let schedule = Self.schedules[0]
        #expect(!schedule.isActive(at: Timestamp(seconds: 29 * 60), streamStart: start))
        #expect(schedule.isActive(at: Timestamp(seconds: 30 * 60), streamStart: start))
    }

    @Test func timesRoundTripAsText() throws {
        let interval = Interval(
            days: [.weekdays, .sat], start: Time(hour: 7, minute: 5), end: Time(hour: 24, minute: 0))
        let json = String(decoding: try JSONEncoder().encode(interval), as: UTF8.self)
        #expect(json.contains(#""start":"07:05""#) && json.contains(#""end":"24:00""#))
        #expect(try JSONDecoder().decode(Interval.self, from: Data(json.utf8)) == interval)
    }
}
