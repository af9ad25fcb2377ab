import Foundation

/// One line of NDJSON input: an event envelope with a JSON payload.
///
/// ```json
/// {"id":"5f0c…","stream":"learner-1","type":"note.added","actor":{"id":"admin-1","role":"centre_administrator"},
///  "occurredAt":"2026-03-02T09:30:00Z","expectedVersion":0,"payload":{"text":"hello"}}
/// ```
/// Parsing is strict: an unknown field, a missing field or a value of the wrong
/// type is refused, naming the field.
public enum EventLine {
    /// The fields a line may carry.
    public static let fields: Set<String> = [
        "id", "stream", "type", "schemaVersion", "actor", "occurredAt", "expectedVersion",
        "correlationId", "causationId", "payload",
    ]

    /// Parses one line into a draft whose payload is the line's `payload` as compact JSON
    /// (keys sorted) and whose stream is empty when the line names none.
    /// - Throws: `EventLineError` saying what is wrong.
    public static func parse(_ line: some StringProtocol) throws -> EventDraft {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
        } catch {
            throw EventLineError("is not valid JSON")
        }
        guard let fields = object as? [String: Any] else { throw EventLineError("is not a JSON object") }
        if let unknown = fields.keys.filter({ !Self.fields.contains($0) }).sorted().first {
            throw EventLineError("has an unknown field \"\(unknown)\"")
        }
        guard let payload = fields["payload"] else { throw EventLineError("has no \"payload\"") }
        guard payload is [String: Any] else { throw EventLineError("\"payload\" is not a JSON object") }
        let actorFields = try value(fields, "actor", as: [String: Any].self)
        if let unknown = actorFields.keys.filter({ $0 != "id" && $0 != "role" }).sorted().first {
            throw EventLineError("has an unknown field \"actor.\(unknown)\"")
        }
        var actor = Actor()
        actor.id = try value(actorFields, "id", as: String.self, path: "actor.id")
        actor.role = try optional(actorFields, "role", as: String.self, path: "actor.role") ?? ""

        return EventDraft(
            id: try optionalUUID(fields, "id") ?? .timeOrdered(),
            streamID: try optional(fields, "stream", as: String.self) ?? "",
            eventType: try value(fields, "type", as: String.self),
            schemaVersion: UInt32(try optionalCount(fields, "schemaVersion", in: 1...UInt64(UInt32.max)) ?? 1),
            occurredAt: try date(fields, "occurredAt"),
            actor: actor,
            correlationID: try optionalUUID(fields, "correlationId"),
            causationID: try optionalUUID(fields, "causationId"),
            payload: try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys, .withoutEscapingSlashes]),
            expectedVersion: try optionalCount(fields, "expectedVersion", in: 0...UInt64(Int64.max))
        )
    }

    private static func optional<T>(_ fields: [String: Any], _ key: String, as: T.Type, path: String? = nil) throws -> T? {
        guard let raw = fields[key], !(raw is NSNull) else { return nil }
        guard let value = raw as? T, !(T.self == String.self && raw is NSNumber) else {
            throw EventLineError("\"\(path ?? key)\" is not \(T.self == String.self ? "a string" : "an object")")
        }
        return value
    }

    private static func value<T>(_ fields: [String: Any], _ key: String, as type: T.Type, path: String? = nil) throws -> T {
        guard let value = try optional(fields, key, as: type, path: path) else {
            throw EventLineError("has no \"\(path ?? key)\"")
        }
        return value
    }

    private static func optionalCount(_ fields: [String: Any], _ key: String, in range: ClosedRange<UInt64>) throws -> UInt64? {
        guard let raw = fields[key], !(raw is NSNull) else { return nil }
        // JSON true and false arrive as NSNumbers of type "c".
        guard let number = raw as? NSNumber, String(cString: number.objCType) != "c",
              number.doubleValue.rounded() == number.doubleValue,
              number.doubleValue >= Double(range.lowerBound), number.doubleValue <= Double(range.upperBound)
        else { throw EventLineError("\"\(key)\" is not a whole number from \(range.lowerBound) to \(range.upperBound)") }
        return number.uint64Value
    }

    private static func optionalUUID(_ fields: [String: Any], _ key: String) throws -> UUID? {
        guard let text = try optional(fields, key, as: String.self) else { return nil }
        guard let uuid = UUID(uuidString: text) else { throw EventLineError("\"\(key)\" is not a UUID: \(text)") }
        return uuid
    }

    private static func date(_ fields: [String: Any], _ key: String) throws -> Date {
        let text = try value(fields, key, as: String.self)
        guard let date = Timestamp.parse(text) else {
            throw EventLineError("\"\(key)\" is not an RFC 3339 date-time such as 2026-03-02T09:30:00Z: \(text)")
        }
        return date
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
        let seconds = Date(timeIntervalSince1970: Double(micros.floorDivided(by: 1_000_000)))
        let base = seconds.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon))
        let fraction = micros.floorModulo(1_000_000)
        guard fraction != 0 else { return base + "Z" }
        let digits = String(fraction).leftPadded(to: 6)
        return base + "." + digits + "Z"
    }

    /// Reads an RFC 3339 date-time (`Z` or an offset; fractional seconds optional).
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}

extension Int64 {
    fileprivate func floorDivided(by d: Int64) -> Int64 { (self - floorModulo(d)) / d }
    fileprivate func floorModulo(_ d: Int64) -> Int64 { ((self % d) + d) % d }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
