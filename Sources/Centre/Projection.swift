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
    func apply(_ events: [ProjectedEvent], to state: ProjectionState) throws
}

/// An accepted event as a projection sees it.
public struct ProjectedEvent {
    public let event: DomainEvent
    public let sequence: UInt64
    public let actor: String
    /// When the event happened, in microseconds since 1970-01-01T00:00:00Z.
    public let occurredAtMicros: Int64
    /// The compiled specification of `id` at `version`, as the log holds it now.
    public let specification: (_ id: String, _ version: UInt32) throws -> CompiledSpecification?
}
