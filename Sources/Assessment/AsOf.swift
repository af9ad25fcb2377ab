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

    func includes(_ record: Record) -> Bool {
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
        let rulesState = MemoryEntityStore()
        let stores = projections.map { _ in MemoryEntityStore() }
        let states = stores.map { ProjectionState(base: $0) }
        let rules = CentreRules()
        try log.read { entry in
            let record = entry.record
            guard point.includes(record) else { return false }
            let event = try DomainEvent(record: record)
            let occurredAt = Date(microsecondsSinceEpoch: record.occurredAtMicros)
            try rules.apply(event, by: record.actor, occurredAt: occurredAt,
                            recordedAt: Date(microsecondsSinceEpoch: record.recordedAtMicros), to: rulesState)
            let projected = ProjectedEvent(
                event: event, sequence: record.sequence, actor: record.actor.id, occurredAt: occurredAt,
                specification: { id, version in try rules.specifications.specification(id, version: version, in: Entities(store: rulesState)) })
            for (slots, state) in zip(projections, states) { try slots.projection.apply([projected], to: state) }
            return true
        }
        for state in states { try state.flush() }
        func state(_ name: String) throws -> MemoryEntityStore {
            guard let index = projections.firstIndex(where: { $0.projection.name == name }) else {
                throw PayloadError("this store keeps no projection \(name)")
            }
            return stores[index]
        }
        return try body(ProjectionSnapshot(
            stateOf: { try state($0) },
            entriesOf: { name, prefix in try state(name).entries(prefix: prefix) },
            specificationOf: { id, version in try rules.specifications.specification(id, version: version, in: Entities(store: rulesState)) }))
    }
}
