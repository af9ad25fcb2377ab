import Foundation
import Merkle

/// One line of NDJSON input: an event envelope with a JSON payload.
///
/// ```json
/// {"id":"5f0c…","type":"learner.withdrawn","actor":{"id":"admin-1","role":"centre_administrator"},
///  "occurredAt":"2026-03-02T09:30:00Z","payload":{"learnerId":"C-0042","reason":"moved away"}}
/// ```
/// Parsing is strict: an unknown field, a missing field or a value of the wrong
/// type is refused, naming the field.
public enum EventLine {
    /// The message a line's payload is read as, and how a refusal of the payload names it
    /// (`payload of evidence.assessed version 1`).
    public struct PayloadSchema: Sendable {
        public let message: MessageSchema
        public let what: String

        public init(message: MessageSchema, what: String) {
            self.message = message
            self.what = what
        }
    }

    /// The fields a line may carry.
    enum Field: Int, CaseIterable {
        case id, stream, type, schemaVersion, actor, occurredAt, expectedVersion, correlationID, causationID, payload

        var name: String {
            switch self {
            case .correlationID: "correlationId"
            case .causationID: "causationId"
            default: "\(self)"
            }
        }

        static let names = allCases.map { Array($0.name.utf8) }

        init?(_ name: UnsafeBufferPointer<UInt8>) {
            guard let index = Self.names.firstIndex(where: { $0.isSame(as: name) }) else { return nil }
            self.init(rawValue: index)
        }
    }

    /// Parses one line into a draft: the envelope's fields, the stream empty when the line
    /// names none, the schema version 0 when the line names none (the caller knows the
    /// current one), and the payload read as the message `payloadSchema` gives for the
    /// line's type and schema version, into its binary encoding (`PayloadReader`). The
    /// whole line is read in one pass, strictly, within `limits`.
    /// - Throws: `EventLineError` saying what is wrong and in which field, or what
    ///   `payloadSchema` throws.
    public static func parse(
        _ line: ArraySlice<UInt8>, limits: InputLimits,
        payloadSchema: (_ type: String, _ schemaVersion: UInt32) throws -> PayloadSchema
    ) throws -> EventDraft {
        if line.count > limits.lineBytes {
            throw EventLineError("is longer than \(limits.lineBytes) bytes, the most a line may hold")
        }
        return try withoutActuallyEscaping(payloadSchema) { payloadSchema in
            try line.withUnsafeBufferPointer { bytes in
                do {
                    var reader = LineReader(json: JSONReader(bytes, limits: limits), payloadSchema: payloadSchema)
                    return try reader.read()
                } catch let refusal as JSONRefusal {
                    throw EventLineError(refusal.text)
                }
            }
        }
    }

    /// Parses one line of text; see `parse(_:limits:payloadSchema:)`.
    public static func parse(
        _ line: some StringProtocol, limits: InputLimits,
        payloadSchema: (_ type: String, _ schemaVersion: UInt32) throws -> PayloadSchema
    ) throws -> EventDraft {
        try parse(Array(line.utf8)[...], limits: limits, payloadSchema: payloadSchema)
    }
}

/// The reading of one line, member by member.
private struct LineReader {
    var json: JSONReader
    let payloadSchema: (_ type: String, _ schemaVersion: UInt32) throws -> EventLine.PayloadSchema

    private var id: UUID?
    private var stream = ""
    private var type: String?
    private var schemaVersion: UInt32 = 0
    private var schemaVersionGiven = false
    private var actor: Actor?
    private var occurredAt: Int64?
    private var expectedVersion: UInt64?
    private var correlationID: UUID?
    private var causationID: UUID?
    /// Where the payload starts, and its encoding once read with the schema version then known.
    private var payloadAt: Int?
    private var payload: (bytes: [UInt8], schemaVersion: UInt32)?

    init(json: JSONReader, payloadSchema: @escaping (_ type: String, _ schemaVersion: UInt32) throws -> EventLine.PayloadSchema) {
        self.json = json
        self.payloadSchema = payloadSchema
    }

    mutating func read() throws -> EventDraft {
        json.skipSpace()
        guard json.peek == UInt8(ascii: "{") else { throw json.error(json.peek == nil ? "is empty" : "is not a JSON object") }
        try json.beginObject()
        var count = 0, seen: UInt16 = 0
        while let name = try json.nextMember(&count) {
            guard !name.escaped, let field = EventLine.Field(UnsafeBufferPointer(rebasing: json.bytes[name.range])) else {
                throw json.error("has an unknown field \(Quote.value(json.name(name)))")
            }
            let bit: UInt16 = 1 << field.rawValue
            if seen & bit != 0 { throw json.given(field.name, twice: field.name) }
            seen |= bit
            do {
                if json.peek == UInt8(ascii: "n"), try json.literal() == .null { continue }
                try read(field)
            } catch var refusal as JSONRefusal {
                refusal.path.insert(.member(field.name), at: 0)
                throw refusal
            }
        }
        guard json.atEnd() else { throw json.error("has more after the end of its JSON object") }
        guard let payloadAt else { throw EventLineError("has no \"payload\"") }
        guard let actor else { throw EventLineError("has no \"actor\"") }
        guard let type else { throw EventLineError("has no \"type\"") }
        guard let occurredAt else { throw EventLineError("has no \"occurredAt\"") }
        if payload?.schemaVersion != schemaVersion {
            // The payload came before the type or the schema version: read it again, now that both are known.
            var again = JSONReader(json.bytes, limits: json.limits, at: payloadAt, depth: 1)
            try payload(type, reader: &again)
        }
        return EventDraft(
            id: id ?? .timeOrdered(), streamID: stream, eventType: type, schemaVersion: schemaVersion,
            occurredAtMicros: occurredAt, actor: actor, correlationID: correlationID, causationID: causationID,
            payload: Data(payload!.bytes), expectedVersion: expectedVersion)
    }

    private mutating func read(_ field: EventLine.Field) throws {
        switch field {
        case .id: id = try uuid()
        case .stream: stream = try string(field)
        case .type: type = try string(field)
        case .schemaVersion:
            schemaVersion = UInt32(try count(field, in: 1...UInt64(UInt32.max)))
            schemaVersionGiven = true
        case .actor: actor = try readActor()
        case .occurredAt:
            occurredAt = try text(field, as: "an RFC 3339 date-time such as 2026-03-02T09:30:00Z", Timestamp.microseconds)
        case .expectedVersion: expectedVersion = try count(field, in: 0...UInt64(Int64.max))
        case .correlationID: correlationID = try uuid(field)
        case .causationID: causationID = try uuid(field)
        case .payload:
            guard json.peek == UInt8(ascii: "{") else { throw EventLineError("\"payload\" is not a JSON object") }
            payloadAt = json.i
            var reader = json
            if let type {
                do {
                    try payload(type, reader: &reader)
                    json = reader
                    return
                } catch where !schemaVersionGiven && (error is JSONRefusal || error is EventLineError) {
                    // A schemaVersion may come after the payload: its refusal waits until the
                    // payload is read again with the version the line gives.
                    payload = nil
                }
            }
            try json.skipValue(json.limits.lineFields[field.rawValue])
        }
    }

    /// Reads the payload at `reader` as the message of the line's type and schema version.
    private mutating func payload(_ type: String, reader: inout JSONReader) throws {
        let schema = try payloadSchema(type, schemaVersion)
        var payloadReader = PayloadReader(reader)
        do {
            try payloadReader.message(schema.message)
        } catch let refusal as JSONRefusal {
            guard let problem = refusal.ofSchema(read: schema.what, at: .member("payload")) else { throw refusal }
            throw EventLineError(problem)
        }
        reader = payloadReader.json
        payload = (payloadReader.out, schemaVersion)
    }

    private mutating func readActor() throws -> Actor {
        guard json.peek == UInt8(ascii: "{") else { throw EventLineError("\"actor\" is not an object") }
        try json.beginObject()
        var actor = Actor(), count = 0, seen = (id: false, role: false)
        while let name = try json.nextMember(&count) {
            guard let member = json.match(name, ActorMember.init) else {
                throw EventLineError("has an unknown field \(Quote.value("actor." + json.name(name)))")
            }
            let isID = member == .id, text = member.rawValue
            if isID ? seen.id : seen.role { throw json.given(text, twice: text) }
            try json.within(.member(text)) { json in
                if json.peek == UInt8(ascii: "n"), try json.literal() == .null { return }
                let value = try Self.string(&json, limit: isID ? json.limits.lineFields[EventLine.Field.id.rawValue] : json.limits.actorRole)
                if isID { actor.id = value; seen.id = true } else { actor.role = value; seen.role = true }
            }
        }
        guard seen.id else { throw EventLineError("has no \"actor.id\"") }
        return actor
    }

    /// The members an actor may hold, matched on a name's bytes with no text made for it.
    private enum ActorMember: String, CaseIterable {
        case id, role

        private static let names = allCases.map { Array($0.rawValue.utf8) }

        init?(_ name: UnsafeBufferPointer<UInt8>) {
            guard let index = Self.names.firstIndex(where: { $0.isSame(as: name) }) else { return nil }
            self = Self.allCases[index]
        }
    }

    /// A string member's text.
    private mutating func string(_ field: EventLine.Field) throws -> String {
        try Self.string(&json, limit: json.limits.lineFields[field.rawValue])
    }

    private static func string(_ json: inout JSONReader, limit: FieldLimit) throws -> String {
        guard json.peek == UInt8(ascii: "\"") else { throw json.error("is not a string") }
        return try json.string(limit) { String(decoding: $0, as: UTF8.self) }
    }

    private mutating func count(_ field: EventLine.Field, in range: ClosedRange<UInt64>) throws -> UInt64 {
        let refusal = EventLineError("\"\(field.name)\" is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        guard json.peek.map({ $0 &- UInt8(ascii: "0") < 10 }) == true else { throw refusal }
        let (written, plain) = try json.number()
        guard plain, let number = UInt64(String(decoding: UnsafeBufferPointer(rebasing: json.bytes[written]), as: UTF8.self)),
              range.contains(number)
        else { throw refusal }
        return number
    }

    /// A UUID in its canonical form only: 36 characters, hex digits in groups of 8-4-4-4-12.
    private mutating func uuid(_ field: EventLine.Field = .id) throws -> UUID {
        try text(field, as: "a UUID such as 0192e4a0-7b1c-7cc3-9f4e-2a5d8c1b0e3f", UUID.init(canonical:))
    }

    /// What `read` makes of a string member's text, refused as not being `what` when it makes nothing.
    private mutating func text<Value>(
        _ field: EventLine.Field, as what: String, _ read: (UnsafeBufferPointer<UInt8>) -> Value?
    ) throws -> Value {
        guard json.peek == UInt8(ascii: "\"") else { throw json.error("is not a string") }
        let (value, text) = try json.string(json.limits.lineFields[field.rawValue]) { text in
            read(text).map { ($0, "") } ?? (nil, String(decoding: text, as: UTF8.self))
        }
        guard let value else { throw EventLineError("\"\(field.name)\" is not \(what): \(Quote.value(text))") }
        return value
    }
}

extension UUID {
    /// The UUID `text` writes in its canonical form: 36 characters, hex digits (either
    /// case) in groups of 8-4-4-4-12; `nil` for anything else.
    init?(canonical text: UnsafeBufferPointer<UInt8>) {
        guard text.count == 36, text[8] == UInt8(ascii: "-"), text[13] == UInt8(ascii: "-"),
              text[18] == UInt8(ascii: "-"), text[23] == UInt8(ascii: "-")
        else { return nil }
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let wellFormed = withUnsafeMutableBytes(of: &uuid) { bytes in
            for index in 0..<16 {
                // Two digits a byte, and a hyphen after the 4th, 6th, 8th and 10th byte.
                let at = 2 * index + (index >= 4 ? 1 : 0) + (index >= 6 ? 1 : 0) + (index >= 8 ? 1 : 0) + (index >= 10 ? 1 : 0)
                guard let high = text[at].hexDigitValue, let low = text[at + 1].hexDigitValue else { return false }
                bytes[index] = high << 4 | low
            }
            return true
        }
        guard wellFormed else { return nil }
        self.init(uuid: uuid)
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
    public static func format(_ date: Date) -> String { format(micros: date.microsecondsSinceEpoch) }

    /// `micros` (microseconds since 1970-01-01T00:00:00Z) as `format(_:)` writes its date.
    public static func format(micros: Int64) -> String {
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

    /// The microseconds since the epoch an RFC 3339 date-time names, read as `parse(_:)` reads it.
    public static func microseconds(_ text: String) -> Int64? {
        Array(text.utf8).withUnsafeBufferPointer(microseconds)
    }

    /// The microseconds since the epoch an RFC 3339 date-time (UTF-8) names, worked out in integers.
    static func microseconds(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var reader = DigitReader(text)
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
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

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
