import Assessment
import EventLog
import Foundation
import LMDB

extension CentreStore {
    /// Changes whenever what the rules remember changes shape or meaning. 2: each
    /// learner's progress, which `certificate-earned` weighs. 3: no personal data (a
    /// registration's date of birth, ULN and names, an adjustment's arrangement). 4: ULNs
    /// under a keyed digest (`ULNDigest`), not as they are. 5: a learner's progress keeps
    /// no evidence; each decision holds its evidence's unit, method and withdrawal.
    static let rulesStateVersion: UInt32 = 5

    /// The registry's entry for the rules' state, beside the projections'.
    private static let rulesStateName = "rules-state"

    /// Records replayed through the rules between two writes of a rebuild of their state.
    private static let rulesRebuildBatch = 4_096

    /// Brings the rules' state up to this version of the code: a store whose rules state
    /// another version wrote (or an empty store) has it rebuilt from the log, in one write
    /// transaction, so that appends always meet the rules with all they remember.
    /// - Throws: `RulesStateRebuildFailure` when a record breaks the rules.
    func reviseRulesState() throws {
        // Read first: a current store, the usual case, does not wait for the writer's lock.
        let current = try log.environment.read { txn in
            try txn.withReader { reader in try registration(named: Self.rulesStateName, reader)?.version == Self.rulesStateVersion }
        }
        guard !current else { return }
        try log.environment.write { txn in
            let stored = try txn.withReader { reader in try registration(named: Self.rulesStateName, reader)?.version }
            guard stored != Self.rulesStateVersion else { return }
            try txn.clear(state)
            let keyring = Keyring(store: log.environment.path)
            try keyring.loadAll()
            var next: UInt64 = 1
            while true {
                var records: [Record] = []
                try log.read(from: next, in: txn) { records.append($0.record); return records.count < Self.rulesRebuildBatch }
                guard let last = records.last else { break }
                let changes = try txn.withReader { reader in
                    let entities = OverlayEntityStore(expecting: 2 * records.count) { key in try reader.get(self.state, key: TextKey(key)) }
                    let memory = RulesMemory(store: entities, expecting: records.count)
                    for record in records {
                        do {
                            try rules.apply(
                                DomainEvent(record: keyring.opened(record)), sequence: record.sequence, schemaVersion: record.schemaVersion, by: record.actor,
                                occurredAt: record.occurredAtMicros, recordedAt: record.recordedAtMicros, to: memory)
                        } catch let violation as RuleViolation {
                            throw RulesStateRebuildFailure(sequence: record.sequence, violation: violation)
                        }
                    }
                    try memory.flush()
                    return entities.changes
                }
                try txn.write(changes, to: state)
                next = last.sequence + 1
            }
            try register(named: Self.rulesStateName, slot: 0, version: Self.rulesStateVersion, in: txn)
        }
    }
}

/// The rules' state could not be rebuilt: the record at `sequence` breaks a rule.
public struct RulesStateRebuildFailure: Error, CustomStringConvertible {
    public let sequence: UInt64
    public let violation: RuleViolation

    public var description: String {
        "the rules' state cannot be rebuilt from the log: the record at sequence \(sequence) breaks \(violation); nothing was changed (a replay of the store names every record the rules refuse)"
    }
}
