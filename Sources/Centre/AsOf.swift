import Assessment
import EventLog
import Foundation

/// A point in a log's history, to report or replay as of.
public enum AsOf: Equatable, Sendable {
    /// After the record with this sequence.
    case sequence(UInt64)
    /// After the last record the store recorded at or before this instant.
    case date(Date)
    /// After the last record the store recorded by the end of this day in the centre's time zone.
    case day(CalendarDate)

    /// Reads `1200` (a sequence), `2025-03-01T12:00:00Z` (an instant) or `2025-03-01` (a day).
    public init?(_ text: String) {
        if let sequence = UInt64(text) {
            self = .sequence(sequence)
        } else if let date = Timestamp.parse(text) {
            self = .date(date)
        } else if let day = CalendarDate(text) {
            self = .day(day)
        } else {
            return nil
        }
    }

    /// This point on the calendar of `timeZone`, the centre's: a day ends at its last
    /// microsecond there.
    public func resolved(in timeZone: TimeZone) -> HistoryPoint {
        switch self {
        case let .sequence(last):
            return HistoryPoint(last: .sequence(last), description: "sequence \(last)")
        case let .date(date):
            return HistoryPoint(last: .recordedAt(date.microsecondsSinceEpoch), description: Timestamp.format(date))
        case let .day(day):
            let end = day.endMicros(in: timeZone)
            return HistoryPoint(
                last: .recordedAt(end),
                description: "\(day) (the end of that day in \(timeZone.identifier), \(Timestamp.format(micros: end)))")
        }
    }
}

/// A point in a log's history on the centre's calendar: which records it includes, and
/// how to name it, e.g. `2025-03-01 (the end of that day in Europe/London, 2025-03-01T23:59:59.999999Z)`.
public struct HistoryPoint: Sendable, Encodable, CustomStringConvertible {
    enum Last {
        case sequence(UInt64)
        /// The last recorded-at included, in microseconds since 1970.
        case recordedAt(Int64)
    }

    let last: Last
    public let description: String

    /// The instant the point stands at; `nil` for a sequence.
    public var date: Date? {
        guard case let .recordedAt(micros) = last else { return nil }
        return Date(microsecondsSinceEpoch: micros)
    }

    /// Whether `record` is in the history up to this point.
    public func includes(_ record: Record) -> Bool {
        switch last {
        case let .sequence(sequence): record.sequence <= sequence
        case let .recordedAt(micros): record.recordedAtMicros <= micros
        }
    }

    /// Encoded as its description.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A point (`AsOf`) before the log's first record: there is nothing to report.
public struct EmptyHistory: Error, CustomStringConvertible {
    public let point: HistoryPoint

    public init(point: HistoryPoint) { self.point = point }

    public var description: String { "as of \(point) the log held no records" }
}

extension CentreStore {
    /// `point` on the centre's calendar.
    /// - Throws: `EmptyHistory` when the log held no record at that point.
    public func historyPoint(_ point: AsOf) throws -> HistoryPoint {
        let resolved = point.resolved(in: timeZone)
        var holdsRecords = false
        // Recorded-at never decreases along the log: the first record is the earliest.
        try log.read { entry in
            holdsRecords = resolved.includes(entry.record)
            return false
        }
        guard holdsRecords else { throw EmptyHistory(point: resolved) }
        return resolved
    }

    /// Calls `body` with the projections as they stood at `point`: the log is replayed from
    /// its start to that point in memory, through the rules and every projection, and the
    /// stored reports are not touched.
    public func readProjections<R>(asOf point: AsOf, _ body: (ProjectionSnapshot) throws -> R) throws -> R {
        let point = point.resolved(in: timeZone)
        let replay = CentreReplay(projections: projections.map(\.projection), timeZone: timeZone)
        let keyring = Keyring(store: log.environment.path)
        try keyring.loadAll()
        try log.read { entry in
            let record = entry.record
            guard point.includes(record) else { return false }
            try replay.apply(record, DomainEvent(record: keyring.opened(record)))
            return true
        }
        try replay.finish()
        return try body(replay.snapshot)
    }
}
