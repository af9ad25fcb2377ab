import EventLog
import Foundation

/// A date without a time, written `YYYY-MM-DD`.
public struct CalendarDate: Comparable, Sendable, CustomStringConvertible {
    let year: Int, month: Int, day: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var components = DateComponents(year: year, month: month, day: day)
        components.calendar = .gregorian(in: .gmt)
        guard components.isValidDate else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date of `date` on the calendar of `timeZone`.
    public init(_ date: Date, in timeZone: TimeZone) {
        let c = Calendar.gregorian(in: timeZone).dateComponents([.year, .month, .day], from: date)
        year = c.year!
        month = c.month!
        day = c.day!
    }

    /// Whole years from this date (a birth date) to the date of `date` in `timeZone`.
    func age(on date: Date, in timeZone: TimeZone) -> Int {
        let today = CalendarDate(date, in: timeZone)
        let birthdayPassed = (today.month, today.day) >= (month, day)
        return today.year - year - (birthdayPassed ? 0 : 1)
    }

    /// The last microsecond of this day in `timeZone`, in microseconds since 1970.
    package func endMicros(in timeZone: TimeZone) -> Int64 {
        let calendar = Calendar.gregorian(in: timeZone)
        let start = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        return calendar.date(byAdding: .day, value: 1, to: start)!.microsecondsSinceEpoch - 1
    }

    public static func < (a: Self, b: Self) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }
}

extension Calendar {
    /// The Gregorian calendar of `timeZone`: the one a centre counts its days and months in.
    public static func gregorian(in timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }
}
