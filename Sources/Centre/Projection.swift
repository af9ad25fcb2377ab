import Assessment
import EventLog
import Foundation

/// A report kept up to date in the same transaction as the append that feeds it, so it
/// is never behind or ahead of the log it is read with.
///
/// A projection owns its LMDB databases (`NAME.a` and `NAME.b`) and sees the events of
/// each appended batch, in order, after the rules have accepted them. A projection never
/// refuses an event: every rule is the rules' to check.
public protocol Projection: Sendable {
    /// The database's name, e.g. `transcripts`.
    var name: String { get }
    /// Changes whenever what the projection keeps changes shape or meaning; a stored
    /// projection of another version is rebuilt from the log.
    var version: UInt32 { get }

    /// Records the effect of `events`, in order, in `state`.
    func apply(_ events: [RecordedEvent], to state: ProjectionState) throws
}

/// An event as the log recorded it, with its payload decoded: what the rules accepted and
/// what every projection applies, whether inline, rebuilding, as of a point or replaying.
public struct RecordedEvent: Sendable {
    public let event: DomainEvent
    public let sequence: UInt64
    /// The id of who recorded it.
    public let actor: String
    /// When the event happened, in microseconds since 1970-01-01T00:00:00Z.
    public let occurredAtMicros: Int64

    public init(event: DomainEvent, sequence: UInt64, actor: String, occurredAtMicros: Int64) {
        self.event = event
        self.sequence = sequence
        self.actor = actor
        self.occurredAtMicros = occurredAtMicros
    }

    /// A stored record's event, its payload decoded (and upcast) as `event`.
    public init(record: Record, event: DomainEvent) {
        self.init(event: event, sequence: record.sequence, actor: record.actor.id, occurredAtMicros: record.occurredAtMicros)
    }

    /// A stored record's event, its payload decoded and upcast.
    public init(record: Record) throws {
        self.init(record: record, event: try DomainEvent(record: record))
    }
}
