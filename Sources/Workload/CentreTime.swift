/// Instants as whole seconds since 1970-01-01T00:00:00Z, with the calendar arithmetic the
/// workload needs written out (no `Date`, `Calendar` or formatters), so that the output is
/// the same bytes everywhere.
enum CentreTime {
    static let day: Int64 = 86_400

    /// The first learner's registration: Monday 2024-09-02T09:00:00Z.
    static let start: Int64 = seconds(year: 2024, month: 9, day: 2, hour: 9)

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day number.
    static func civil(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d))
    }

    static func seconds(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0) -> Int64 {
        days(year: year, month: month, day: day) * Self.day + Int64(hour * 3600 + minute * 60)
    }

    static func dayNumber(_ instant: Int64) -> Int64 { floorDivide(instant, Self.day) }

    /// Monday to Friday.
    static func isWorkingDay(_ dayNumber: Int64) -> Bool { floorModulo(dayNumber + 3, 7) < 5 }

    /// `2025-01-14T10:30:00Z`.
    static func timestamp(_ instant: Int64) -> String {
        let (y, m, d) = civil(dayNumber(instant))
        let second = floorModulo(instant, Self.day)
        return "\(date(y, m, d))T\(two(Int(second / 3600))):\(two(Int(second / 60 % 60))):\(two(Int(second % 60)))Z"
    }

    /// `2008-04-30`.
    static func date(_ year: Int, _ month: Int, _ day: Int) -> String {
        let digits = String(year)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "-" + two(month) + "-" + two(day)
    }

    /// Whole years of age on `instant` of someone born on the given date.
    static func age(bornYear: Int, month: Int, day: Int, on instant: Int64) -> Int {
        let (y, m, d) = civil(dayNumber(instant))
        return y - bornYear - ((m, d) < (month, day) ? 1 : 0)
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 { (a - floorModulo(a, b)) / b }
    static func floorModulo(_ a: Int64, _ b: Int64) -> Int64 { ((a % b) + b) % b }
}

/// A clock that only moves forward, in office hours (09:00–17:00 UTC, Monday to Friday).
struct OfficeClock {
    private(set) var now: Int64

    init(_ now: Int64) { self.now = now }

    /// Moves on by `workingDays` working days (0: later the same day when there is time
    /// left, otherwise the next working day) to a time between 09:00 and 17:00.
    mutating func advance(workingDays: Int, _ random: inout SeededRandom) {
        var day = CentreTime.dayNumber(now)
        let secondOfDay = now - day * CentreTime.day
        var remaining = workingDays
        if remaining == 0 {
            let latest: Int64 = 17 * 3600
            if CentreTime.isWorkingDay(day), secondOfDay >= 9 * 3600, secondOfDay + 15 * 60 < latest {
                let span = Int((latest - secondOfDay - 15 * 60) / 60)
                now += 15 * 60 + Int64(random.below(span + 1)) * 60
                return
            }
            remaining = 1
        }
        while remaining > 0 {
            day += 1
            if CentreTime.isWorkingDay(day) { remaining -= 1 }
        }
        now = day * CentreTime.day + 9 * 3600 + Int64(random.below(8 * 60)) * 60
    }

    /// Moves on by a few minutes, for something done straight after the last event.
    mutating func advance(minutes: ClosedRange<Int>, _ random: inout SeededRandom) {
        now += Int64(max(1, random.int(in: minutes))) * 60
    }
}
