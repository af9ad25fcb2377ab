import Foundation

/// One line of NDJSON input: an event envelope with a JSON payload.
///
/// ```json
/// {"id":"5f0c…","type":"learner.withdrawn","actor":{"id":"admin-1","role":"centre_administrator"},
///  "occurredAt":"2026-03-02T09:30:00Z","payload":{"learnerId":"1234567890","reason":"moved away"}}
/// ```
/// Parsing is strict: an unknown field, a missing field or a value of the wrong
/// type is refused, naming the field. The payload is kept as the bytes it was written
/// as, for the payload's own decoder.
public enum EventLine {
    /// The fields a line may carry.
    public static let fields: Set<String> = [
        "id", "stream", "type", "schemaVersion", "actor", "occurredAt", "expectedVersion",
        "correlationId", "causationId", "payload",
    ]

    /// Parses one line into a draft whose payload is the bytes of the line's `payload`
    /// object, as written, whose stream is empty when the line names none, and whose
    /// schema version is 0 when the line names none (the caller knows the current one).
    /// The whole line, payload included, is read strictly (`StrictJSON`) within `limits`.
    /// - Throws: `EventLineError` saying what is wrong and in which field.
    public static func parse(_ line: ArraySlice<UInt8>, limits: InputLimits = .lenient) throws -> EventDraft {
        if line.count > limits.lineBytes {
            throw EventLineError("is longer than \(limits.lineBytes) bytes, the most a line may hold")
        }
        var fields: [String: ArraySlice<UInt8>] = [:]
        for (key, range) in try StrictJSON.members(of: line, limits: limits) {
            guard Self.fields.contains(key) else { throw EventLineError("has an unknown field \(Quote.value(key))") }
            if !isNull(line[range]) { fields[key] = line[range] }
        }
        guard let payload = fields["payload"] else { throw EventLineError("has no \"payload\"") }
        guard payload.first == UInt8(ascii: "{") else { throw EventLineError("\"payload\" is not a JSON object") }
        guard let actorBytes = fields["actor"] else { throw EventLineError("has no \"actor\"") }
        guard actorBytes.first == UInt8(ascii: "{") else { throw EventLineError("\"actor\" is not an object") }
        var actorFields: [String: ArraySlice<UInt8>] = [:]
        for (key, range) in try StrictJSON.members(of: actorBytes, limits: limits) {
            guard key == "id" || key == "role" else { throw EventLineError("has an unknown field \(Quote.value("actor." + key))") }
            if !isNull(actorBytes[range]) { actorFields[key] = actorBytes[range] }
        }
        var actor = Actor()
        actor.id = try string(actorFields, "id", path: "actor.id") ?? { throw EventLineError("has no \"actor.id\"") }()
        actor.role = try string(actorFields, "role", path: "actor.role") ?? ""

        return EventDraft(
            id: try uuid(fields, "id") ?? .timeOrdered(),
            streamID: try string(fields, "stream") ?? "",
            eventType: try string(fields, "type") ?? { throw EventLineError("has no \"type\"") }(),
            schemaVersion: UInt32(try count(fields, "schemaVersion", in: 1...UInt64(UInt32.max)) ?? 0),
            occurredAt: try date(fields, "occurredAt"),
            actor: actor,
            correlationID: try uuid(fields, "correlationId"),
            causationID: try uuid(fields, "causationId"),
            payload: Data(payload),
            expectedVersion: try count(fields, "expectedVersion", in: 0...UInt64(Int64.max))
        )
    }

    /// Parses one line of text; see `parse(_:limits:)`.
    public static func parse(_ line: some StringProtocol, limits: InputLimits = .lenient) throws -> EventDraft {
        try parse(Array(line.utf8)[...], limits: limits)
    }

    private static func isNull(_ value: ArraySlice<UInt8>) -> Bool { value.elementsEqual("null".utf8) }

    /// A string member's text (`StrictJSON` has already checked its escapes and encoding).
    private static func string(_ fields: [String: ArraySlice<UInt8>], _ key: String, path: String? = nil) throws -> String? {
        guard let value = fields[key] else { return nil }
        guard value.count >= 2, value.first == UInt8(ascii: "\"") else { throw EventLineError("\"\(path ?? key)\" is not a string") }
        let contents = value.dropFirst().dropLast()
        guard contents.contains(UInt8(ascii: "\\")) else { return String(decoding: contents, as: UTF8.self) }
        guard let text = StrictJSON.unescape(contents) else { throw EventLineError("\"\(path ?? key)\" is not a string") }
        return String(decoding: text, as: UTF8.self)
    }

    private static func count(_ fields: [String: ArraySlice<UInt8>], _ key: String, in range: ClosedRange<UInt64>) throws -> UInt64? {
        guard let value = fields[key] else { return nil }
        guard value.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let number = UInt64(String(decoding: value, as: UTF8.self)), range.contains(number)
        else {
            throw EventLineError("\"\(key)\" is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// A UUID in its canonical form only: 36 characters, hex digits in groups of 8-4-4-4-12.
    private static func uuid(_ fields: [String: ArraySlice<UInt8>], _ key: String) throws -> UUID? {
        guard let text = try string(fields, key) else { return nil }
        let utf8 = Array(text.utf8)
        let wellFormed = utf8.count == 36 && utf8.indices.allSatisfy { index in
            [8, 13, 18, 23].contains(index) ? utf8[index] == UInt8(ascii: "-") : utf8[index].isHexDigit
        }
        guard wellFormed, let uuid = UUID(uuidString: text) else {
            throw EventLineError("\"\(key)\" is not a UUID such as 0192e4a0-7b1c-7cc3-9f4e-2a5d8c1b0e3f: \(Quote.value(text))")
        }
        return uuid
    }

    private static func date(_ fields: [String: ArraySlice<UInt8>], _ key: String) throws -> Date {
        guard let text = try string(fields, key) else { throw EventLineError("has no \"\(key)\"") }
        guard let date = Timestamp.parse(text) else {
            throw EventLineError("\"\(key)\" is not an RFC 3339 date-time such as 2026-03-02T09:30:00Z: \(Quote.value(text))")
        }
        return date
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}

/// What is wrong with one input line (the caller adds the line number).
public struct EventLineError: Error, Equatable, CustomStringConvertible {
    public let problem: String
    init(_ problem: String) { self.problem = problem }
    public var description: String { problem }
}

/// RFC 3339 timestamps, as the log shows and reads them.
public enum Timestamp {
    /// `2026-03-02T09:30:00.123456Z`: UTC, with microseconds when there are any.
    public static func format(_ date: Date) -> String {
        let micros = date.microsecondsSinceEpoch
        let seconds = micros.floorDivided(by: 1_000_000)
        let fraction = micros.floorModulo(1_000_000)
        let (year, month, day) = civil(days: seconds.floorDivided(by: 86_400))
        let time = seconds.floorModulo(86_400)
        // Four-digit years only; the rest (which no accepted input gives) as Foundation writes them.
        guard (0...9999).contains(year) else { return Date(timeIntervalSince1970: Double(seconds)).formatted(.iso8601) }
        var text: [UInt8] = []
        text.reserveCapacity(27)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(year, 4); text.append(UInt8(ascii: "-")); digits(month, 2); text.append(UInt8(ascii: "-")); digits(day, 2)
        text.append(UInt8(ascii: "T"))
        digits(time / 3600, 2); text.append(UInt8(ascii: ":")); digits(time / 60 % 60, 2); text.append(UInt8(ascii: ":")); digits(time % 60, 2)
        if fraction != 0 {
            text.append(UInt8(ascii: "."))
            digits(fraction, 6)
        }
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (H. Hinnant's `civil_from_days`).
    private static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Reads an RFC 3339 date-time (`Z` or an offset such as `+01:00`; fractional seconds
    /// optional, rounded to the microsecond), exactly: nil for anything else, a day its
    /// month does not have or a leap second included.
    public static func parse(_ text: String) -> Date? {
        microseconds(text).map(Date.init(microsecondsSinceEpoch:))
    }

    /// The microseconds since the epoch an RFC 3339 date-time names, worked out in integers.
    private static func microseconds(_ text: String) -> Int64? {
        var reader = DigitReader(Array(text.utf8))
        guard let year = reader.number(4), reader.take("-"), let month = reader.number(2), reader.take("-"),
              let day = reader.number(2), reader.take("T") || reader.take("t"),
              let hour = reader.number(2), reader.take(":"), let minute = reader.number(2), reader.take(":"),
              let second = reader.number(2)
        else { return nil }
        var fraction: Int64 = 0
        if reader.take(".") {
            guard let digits = reader.fraction() else { return nil }
            fraction = digits
        }
        let offset: Int64
        if reader.take("Z") || reader.take("z") {
            offset = 0
        } else if let sign: Int64 = reader.take("+") ? 1 : reader.take("-") ? -1 : nil,
                  let hours = reader.number(2), hours < 24, reader.take(":"), let minutes = reader.number(2), minutes < 60 {
            offset = sign * (hours * 60 + minutes) * 60
        } else {
            return nil
        }
        guard reader.atEnd, (1...12).contains(month), (1...daysIn(month: month, of: year)).contains(day),
              hour < 24, minute < 60, second < 60
        else { return nil }
        let seconds = days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return seconds * 1_000_000 + fraction
    }

    private static func daysIn(month: Int64, of year: Int64) -> Int64 {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    private static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// Reads the ASCII digits and marks of a date-time, left to right.
private struct DigitReader {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    /// Steps over `mark` if it comes next.
    mutating func take(_ mark: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: mark) else { return false }
        index += 1
        return true
    }

    /// Exactly `count` digits, as a number.
    mutating func number(_ count: Int) -> Int64? {
        guard index + count <= bytes.count else { return nil }
        var value: Int64 = 0
        for _ in 0..<count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
            index += 1
        }
        return value
    }

    /// One or more digits after a decimal point, in microseconds, rounded half up on the
    /// seventh digit (1_000_000 when they round up to a whole second).
    mutating func fraction() -> Int64? {
        var micros: Int64 = 0, count = 0, roundUp = false
        while index < bytes.count, case let digit = bytes[index] &- UInt8(ascii: "0"), digit < 10 {
            if count < 6 { micros = micros * 10 + Int64(digit) } else if count == 6 { roundUp = digit >= 5 }
            count += 1
            index += 1
        }
        guard count > 0 else { return nil }
        for _ in count..<max(count, 6) { micros *= 10 }
        return micros + (roundUp ? 1 : 0)
    }
}

extension Int64 {
    fileprivate func floorDivided(by d: Int64) -> Int64 { (self - floorModulo(d)) / d }
    fileprivate func floorModulo(_ d: Int64) -> Int64 { ((self % d) + d) % d }
}
