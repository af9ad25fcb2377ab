import Assessment
import EventLog
import Foundation
import Records
import SwiftProtobuf

/// Keeps, for each learner, the facts their transcript is computed from: evidence,
/// decisions (as revised), RPL, adjustments and samples, and when their specification
/// was first completed.
public struct TranscriptProjection: Projection {
    public let name = "transcripts"
    /// 4: a revision amends the decisions it lists, and standalone units and standards complete.
    public let version: UInt32 = 4

    public init() {}

    public func apply(_ events: [ProjectedEvent], to state: ProjectionState) throws {
        let records = LearnerRecords(state: state)
        for event in events { try apply(event, to: records) }
    }

    private func apply(_ projected: ProjectedEvent, to records: LearnerRecords) throws {
        let at = projected.occurredAt.microsecondsSinceEpoch
        switch projected.event {
        case let .learnerRegistered(m):
            try records.save(.with {
                $0.learnerID = m.learnerID; $0.qualification = m.qualification; $0.specificationVersion = m.specificationVersion
                $0.uln = m.uln
            })
            return
        case let .learnerWithdrawn(m):
            try records.change(m.learnerID, by: projected) { $0.withdrawn = true }
        case let .certificateClaimed(m):
            try records.claimCertificate(for: m.learnerID, by: projected, at: at)
            return
        case let .adjustmentRequested(m):
            try records.own("adjustment", m.adjustmentID, by: m.learnerID)
            try records.change(m.learnerID, by: projected) { record in
                record.adjustments.append(.with { $0.adjustmentID = m.adjustmentID; $0.arrangement = m.arrangement; $0.units = m.units })
            }
        case let .adjustmentApproved(m):
            try records.change(owner: "adjustment", m.adjustmentID, by: projected) { record in
                record.adjustments.mutate(where: { $0.adjustmentID == m.adjustmentID }) { $0.decision = 1 }
            }
        case let .adjustmentRejected(m):
            try records.change(owner: "adjustment", m.adjustmentID, by: projected) { record in
                record.adjustments.mutate(where: { $0.adjustmentID == m.adjustmentID }) { $0.decision = 2 }
            }
        case let .evidenceSubmitted(m):
            try records.own("evidence", m.evidenceID, by: m.learnerID)
            try records.change(m.learnerID, by: projected) { record in
                record.evidence.append(.with { $0.evidenceID = m.evidenceID; $0.unit = m.unit; $0.method = m.method })
            }
        case let .evidenceWithdrawn(m):
            try records.change(owner: "evidence", m.evidenceID, by: projected, reweighing: true) { record in
                record.evidence.mutate(where: { $0.evidenceID == m.evidenceID }) { $0.withdrawn = true }
            }
        case let .evidenceAssessed(m):
            let learner = try records.owner("evidence", m.evidenceID)
            try records.own("assessment", m.assessmentID, by: learner)
            try records.change(learner, by: projected) { record in
                let decision = Attest_V1_DecisionEntry.with {
                    $0.assessmentID = m.assessmentID; $0.evidenceID = m.evidenceID; $0.assessor = projected.actor
                    $0.decidedAtMicros = at; $0.setOutcomes(m.decisions.lazy.map(\.decision))
                    for decision in m.decisions where decision.method != .unspecified { $0.methods[decision.criterion] = decision.method }
                }
                record.decisions.append(decision)
                if let evidence = record.evidence.last(where: { $0.evidenceID == m.evidenceID }), !evidence.withdrawn {
                    record.markMet(decision, unit: evidence.unit, in: try records.specification(of: record, for: projected).compiled)
                }
            }
        case let .assessmentSampled(m):
            try records.change(owner: "assessment", m.assessmentID, by: projected, reweighing: m.outcome == .disagreed) { record in
                record.samples.append(.with {
                    $0.sampleID = m.sampleID; $0.assessmentID = m.assessmentID; $0.stage = m.stage; $0.outcome = m.outcome
                    $0.iqa = projected.actor; $0.sampledAtMicros = at
                })
                if m.outcome == .disagreed {
                    record.decisions.mutate(where: { $0.assessmentID == m.assessmentID }) { $0.awaitingRevision = true }
                }
            }
        case let .decisionRevised(m):
            try records.change(owner: "assessment", m.assessmentID, by: projected, reweighing: true) { record in
                record.decisions.mutate(where: { $0.assessmentID == m.assessmentID }) { decision in
                    decision.amendOutcomes(m.decisions)
                    decision.awaitingRevision = false
                    decision.decidedAtMicros = at
                    decision.assessor = projected.actor
                }
            }
        case let .rplCredited(m):
            try records.own("rpl", m.rplID, by: m.learnerID)
            try records.change(m.learnerID, by: projected) { record in
                let credit = Attest_V1_RplEntry.with {
                    $0.rplID = m.rplID; $0.unit = m.unit; $0.basis = m.basis; $0.criteria = m.criteria
                    $0.assessor = projected.actor; $0.creditedAtMicros = at
                }
                record.rpl.append(credit)
                record.markMet(credit, in: try records.specification(of: record, for: projected).compiled)
            }
        case let .rplRevoked(m):
            try records.change(owner: "rpl", m.rplID, by: projected, reweighing: true) { record in
                record.rpl.mutate(where: { $0.rplID == m.rplID }) { $0.revoked = true }
            }
        case .specificationImported, .staffRegistered, .standardisationRecorded, .simulationReviewed:
            return
        }
    }
}

/// The learner records in a projection's store, with an index from evidence,
/// assessment, adjustment and RPL ids to their learner.
final class LearnerRecords {
    let state: ProjectionState
    private let records: KeptMessages<Attest_V1_LearnerRecord>
    private var specifications: [SpecificationVersion: RegisteredSpecification] = [:]

    init(state: ProjectionState) {
        self.state = state
        records = state.messages(Attest_V1_LearnerRecord.self, under: Self.prefix)
    }

    /// Where the learner's record is kept.
    static func key(_ learner: String) -> String { prefix + learner }

    private static let prefix = "learner/"

    func record(_ learner: String) throws -> Attest_V1_LearnerRecord? { try records.get(learner) }

    func save(_ record: Attest_V1_LearnerRecord) throws { records.set(record.learnerID, record) }

    /// The specification version the learner is registered on, with what completes it.
    func specification(of record: Attest_V1_LearnerRecord, for projected: ProjectedEvent) throws -> RegisteredSpecification {
        let key = SpecificationVersion(id: record.qualification, version: record.specificationVersion)
        if let known = specifications[key] { return known }
        guard let compiled = try projected.specification(key.id, key.version) else {
            throw ProjectionError("specification \(key.id)@\(key.version) of learner \(record.learnerID) is missing")
        }
        let registered = RegisteredSpecification(compiled: compiled, completion: Completion(compiled.specification))
        specifications[key] = registered
        return registered
    }

    /// Changes the learner's record for `projected`. With `reweighing`, then works out
    /// afresh which criteria of the event's unit it meets, for a change that can undo a
    /// decision or a credit. A decision or a credit may complete a unit, and with it the
    /// specification for the first time: that date is noted.
    func change(
        _ learner: String, by projected: ProjectedEvent, reweighing: Bool = false,
        _ body: (inout Attest_V1_LearnerRecord) throws -> Void
    ) throws {
        let changed = try records.update(learner) { record in
            let weighing = record.achievedAtMicros == 0 && projected.event.canCompleteUnit
            let unit = reweighing || weighing ? unit(of: projected.event, in: record) : nil
            let registered = unit != nil ? try specification(of: record, for: projected) : nil
            // Only a unit the event completes can tip the balance, so the whole record is weighed only then.
            let achievedBefore = if weighing, let unit, let registered { record.achieves(unit, in: registered.compiled) } else { true }
            try body(&record)
            guard let unit, let registered else { return }
            if reweighing { record.recomputeMet(of: unit, in: registered.compiled) }
            if !achievedBefore, record.achieves(unit, in: registered.compiled),
               registered.completion.isMet(by: record.achievedUnits(of: registered.compiled)) {
                record.achievedAtMicros = projected.occurredAt.microsecondsSinceEpoch
            }
        }
        guard changed else { throw ProjectionError("learner \(learner) has no record") }
    }

    func own(_ kind: String, _ id: String, by learner: String) throws {
        try state.save("owner/" + kind + "/" + id, Array(learner.utf8))
    }

    func owner(_ kind: String, _ id: String) throws -> String {
        guard let learner = try state.load("owner/" + kind + "/" + id) else { throw ProjectionError("\(kind) \(id) has no learner") }
        return String(decoding: learner, as: UTF8.self)
    }

    func change(
        owner kind: String, _ id: String, by projected: ProjectedEvent, reweighing: Bool = false,
        _ body: (inout Attest_V1_LearnerRecord) throws -> Void
    ) throws {
        try change(try owner(kind, id), by: projected, reweighing: reweighing, body)
    }

    /// The unit a decision, a sample, a credit or a withdrawn piece of evidence concerns;
    /// nil for other events.
    private func unit(of event: DomainEvent, in record: Attest_V1_LearnerRecord) -> String? {
        let evidence: String?
        switch event {
        case let .evidenceAssessed(m): evidence = m.evidenceID
        case let .evidenceWithdrawn(m): evidence = m.evidenceID
        case let .assessmentSampled(m): evidence = record.decisions.last { $0.assessmentID == m.assessmentID }?.evidenceID
        case let .decisionRevised(m): evidence = record.decisions.last { $0.assessmentID == m.assessmentID }?.evidenceID
        case let .rplCredited(m): return m.unit
        case let .rplRevoked(m): return record.rpl.last { $0.rplID == m.rplID }?.unit
        default: return nil
        }
        return record.evidence.last { $0.evidenceID == evidence }?.unit
    }

    /// Records a certificate claim, refusing it unless the learner has completed their
    /// specification (its rules of combination, its unit, or every item of a standard)
    /// and a summative sample of their decisions was agreed.
    func claimCertificate(for learner: String, by projected: ProjectedEvent, at micros: Int64) throws {
        guard var record = try record(learner) else { throw ProjectionError("learner \(learner) has no record") }
        let registered = try specification(of: record, for: projected)
        let achieved = record.achievedUnits(of: registered.compiled)
        guard registered.completion.isMet(by: achieved) else {
            let shortfalls = registered.completion.shortfalls(of: record, achieved: achieved, in: registered.compiled)
            throw projected.refusal(
                "certificate-earned",
                "learner \(learner) has not completed \(record.qualification) version \(record.specificationVersion): \(shortfalls.joined(separator: ", "))")
        }
        guard record.samples.contains(where: { $0.stage == .summative && $0.outcome == .agreed }) else {
            throw projected.refusal(
                "certificate-earned",
                "no summative sample of learner \(learner)'s decisions was agreed (\(record.samples.filter { $0.stage == .summative }.count) summative samples recorded)")
        }
        record.certificatedAtMicros = micros
        try save(record)
    }
}

private extension DomainEvent {
    /// Whether the event can complete a unit: a decision, a revised decision or a credit.
    var canCompleteUnit: Bool {
        switch self {
        case .evidenceAssessed, .decisionRevised, .rplCredited: true
        default: false
        }
    }
}

/// A specification learners are registered on, with what completes it indexed: a
/// class, so that handing it to each change costs one reference.
final class RegisteredSpecification {
    let compiled: CompiledSpecification
    let completion: Completion

    init(compiled: CompiledSpecification, completion: Completion) {
        self.compiled = compiled
        self.completion = completion
    }
}

/// A specification's id and version.
private struct SpecificationVersion: Hashable {
    let id: String
    let version: UInt32
}

/// A projection met an event it cannot place: the log and the rules disagree.
struct ProjectionError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Array {
    /// Changes the elements that match.
    mutating func mutate(where matches: (Element) -> Bool, _ body: (inout Element) -> Void) {
        for index in indices where matches(self[index]) { body(&self[index]) }
    }
}
