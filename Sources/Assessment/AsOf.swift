import EventLog
import Foundation

/// A point in a log's history.
public enum AsOf: Equatable, Sendable {
    /// After the record with this sequence.
    case sequence(UInt64)
    /// After the last record the store recorded at or before this instant.
    case date(Date)

    /// Reads `1200` (a sequence), `2025-03-01T12:00:00Z`, or `2025-03-01` (the end of that UTC day).
    public init?(_ text: String) {
        if let sequence = UInt64(text) {
            self = .sequence(sequence)
        } else if let date = Timestamp.parse(text) {
            self = .date(date)
        } else if let day = Timestamp.parse(text + "T23:59:59.999999Z") {
            self = .date(day)
        } else {
            return nil
        }
    }

    /// Whether `record` is in the history up to this point.
    public func includes(_ record: Record) -> Bool {
        switch self {
        case let .sequence(last): record.sequence <= last
        case let .date(date): record.recordedAtMicros <= date.microsecondsSinceEpoch
        }
    }
}

extension CentreStore {
    /// Calls `body` with the projections as they stood at `point`: the log is replayed from
    /// its start to that point in memory, through the rules and every projection, and the
    /// stored reports are not touched.
    public func readProjections<R>(asOf point: AsOf, _ body: (ProjectionSnapshot) throws -> R) throws -> R {
        let replay = CentreReplay(projections: projections.map(\.projection), timeZone: timeZone)
        try log.read { entry in
            let record = entry.record
            guard point.includes(record) else { return false }
            try replay.apply(record, DomainEvent(record: record))
            return true
        }
        try replay.finish()
        return try body(replay.snapshot)
    }
}
