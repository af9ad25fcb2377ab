import Assessment
import EventLog
import Foundation
import Privacy
import Records

extension CentreStore {
    /// Erases learner `learner`'s personal data (crypto-shredding): appends `learner.erased`
    /// for `reason`, recorded by `actor`, which destroys the learner's data key
    /// (`append(_:now:)`). A learner already erased has their key destroyed, if a stopped
    /// erasure left it.
    /// - Throws: as `append(_:now:)` does; nothing is appended or destroyed then.
    public func erase(_ learner: String, reason: String, by actor: Actor, now: () -> Date = Date.init) throws -> Erasure {
        if let state = try entities({ try $0.get(.learner, learner) }), state.erased {
            return Erasure(sequence: nil, keyDestroyed: try LearnerKeys(store: log.environment.path).destroy(learner))
        }
        let event = try CentreEvent(.learnerErased(.with { $0.learnerID = learner; $0.reason = reason }), actor: actor, occurredAt: now())
        return Erasure(sequence: try append([event], now: now)[0].sequence, keyDestroyed: true)
    }

    /// Before a batch: refuses the erasure of a learner whose records hold personal data
    /// in the clear. - Throws: `ErasureRefusal`.
    func checkErasable(_ events: [CentreEvent]) throws {
        for event in events {
            guard case let .learnerErased(m) = event.event else { continue }
            let clear = try recordsInTheClear(of: m.learnerID)
            if !clear.isEmpty { throw ErasureRefusal(learner: m.learnerID, sequences: clear) }
        }
    }

    /// After a batch is committed: destroys the data key of each learner it erased.
    func destroyKeys(erasedBy events: [CentreEvent]) throws {
        let keys = LearnerKeys(store: log.environment.path)
        for event in events {
            if case let .learnerErased(m) = event.event { try keys.destroy(m.learnerID) }
        }
    }

    /// The records of `learner` holding a personal field in the clear.
    private func recordsInTheClear(of learner: String) throws -> [UInt64] {
        try records(of: learner).compactMap { entry in
            let record = entry.record
            guard let type = EventType(rawValue: record.eventType) else { return nil }
            let personal = PersonalFields.numbers(of: type, version: record.schemaVersion)
            guard !personal.isEmpty, try !PayloadFields.split(record.payload, taking: personal).taken.isEmpty else { return nil }
            return record.sequence
        }
    }
}

/// What an erasure did: the sequence of its `learner.erased` (`nil` when the learner was
/// erased before), and whether a data key was destroyed.
public struct Erasure: Sendable, Equatable {
    public let sequence: UInt64?
    public let keyDestroyed: Bool
}

/// An erasure refused because destroying the learner's key would not erase them: records
/// of theirs hold personal data in the clear.
public struct ErasureRefusal: Error, CustomStringConvertible {
    public let learner: String
    /// The records holding it.
    public let sequences: [UInt64]

    public var description: String {
        let shown = sequences.prefix(10).map(String.init).joined(separator: ", ") + (sequences.count > 10 ? " and \(sequences.count - 10) more" : "")
        return "learner \(learner)'s personal data is in the clear in record\(sequences.count == 1 ? "" : "s") \(shown), appended before this store sealed personal fields: "
            + "the log is never rewritten, so destroying their key would not erase it; nothing was appended or destroyed. "
            + "Keep this store under access control until it may be deleted, and record new learners in a new store "
            + "(docs/operations.md, Stores from before sealing)"
    }
}
