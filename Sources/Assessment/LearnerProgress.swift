import Foundation
import Records

/// Where learners' records are kept while `LearnerProgress` works on them: the rules'
/// state, or a report's.
package protocol LearnerRecordKeeping: AnyObject {
    /// Learner `learner`'s record, if they are registered.
    func record(_ learner: String) throws -> Attest_V1_LearnerRecord?
    func save(_ record: Attest_V1_LearnerRecord) throws
    /// Changes learner `learner`'s record in place; false when there is none.
    func update(_ learner: String, _ body: (inout Attest_V1_LearnerRecord) throws -> Void) throws -> Bool
    /// Keeps a piece of evidence, submitted or withdrawn since, beside its learner's record.
    func keep(_ evidence: Attest_V1_EvidenceEntry) throws
    /// The evidence `id`, as last kept.
    func evidence(_ id: String) throws -> Attest_V1_EvidenceEntry?
    /// Notes that the assessment, adjustment or RPL credit `id` is learner `learner`'s.
    func own(_ kind: LearnerRecordPart, _ id: String, by learner: String) throws
    /// The learner the assessment, adjustment or RPL credit `id` belongs to.
    func owner(_ kind: LearnerRecordPart, _ id: String) throws -> String?
}

/// The parts of a learner's record that later events name by their own id.
public enum LearnerRecordPart: String, Sendable {
    case evidence, assessment, adjustment, rpl
}

/// A learner's record kept from the events: their decisions (as revised, each with what
/// it needs of its evidence), RPL, adjustments and samples, the criteria met, and when
/// their specification was first completed; their evidence is kept beside it. The one
/// place that works this out: the rules keep it to check `certificate-earned`, and the
/// transcripts keep it to report.
///
/// Events must have passed the rules: an event this cannot place is a log that
/// disagrees with the rules, and throws `LearnerProgressError`.
package final class LearnerProgress {
    private let records: any LearnerRecordKeeping
    private let specification: (String, UInt32) throws -> CompiledSpecification?
    private var known: [SpecificationVersion: CompiledSpecification] = [:]

    /// Progress kept in `records`, reading specifications through `specification`.
    package init(records: any LearnerRecordKeeping, specification: @escaping (String, UInt32) throws -> CompiledSpecification?) {
        self.records = records
        self.specification = specification
    }

    /// Records the effect of `event`, recorded by `actor` at `micros` (µs since 1970) as
    /// the record at `sequence`. A learner's record keeps no personal data: where it is
    /// needed, it keeps the sequence of the record that holds it.
    package func apply(_ event: DomainEvent, by actor: String, at micros: Int64, sequence: UInt64) throws {
        switch event {
        case let .learnerRegistered(m):
            try records.save(.with {
                $0.learnerID = m.learnerID; $0.qualification = m.qualification; $0.specificationVersion = m.specificationVersion
                $0.registeredIn = sequence
            })
        case let .learnerNameCorrected(m):
            try change(m.learnerID, by: event, at: micros) { $0.namesCorrectedIn = sequence }
        case let .learnerErased(m):
            try change(m.learnerID, by: event, at: micros) { $0.erasedIn = sequence }
        case let .learnerWithdrawn(m):
            try change(m.learnerID, by: event, at: micros) { $0.withdrawn = true }
        case let .certificateClaimed(m):
            try change(m.learnerID, by: event, at: micros) { $0.certificatedAtMicros = micros }
        case let .adjustmentRequested(m):
            try records.own(.adjustment, m.adjustmentID, by: m.learnerID)
            try change(m.learnerID, by: event, at: micros) { record in
                record.adjustments.append(.with { $0.adjustmentID = m.adjustmentID; $0.units = m.units; $0.requestedIn = sequence })
            }
        case let .adjustmentApproved(m):
            try change(owner: .adjustment, m.adjustmentID, by: event, at: micros) { record in
                record.adjustments.mutate(where: { $0.adjustmentID == m.adjustmentID }) { $0.decision = 1 }
            }
        case let .adjustmentRejected(m):
            try change(owner: .adjustment, m.adjustmentID, by: event, at: micros) { record in
                record.adjustments.mutate(where: { $0.adjustmentID == m.adjustmentID }) { $0.decision = 2 }
            }
        case let .evidenceSubmitted(m):
            // The event centres record most: it is kept beside the learner's record, which it leaves as it is.
            try records.keep(.with { $0.evidenceID = m.evidenceID; $0.learnerID = m.learnerID; $0.unit = m.unit; $0.method = m.method })
        case let .evidenceWithdrawn(m):
            var evidence = try evidence(m.evidenceID)
            evidence.withdrawn = true
            try records.keep(evidence)
            try change(evidence.learnerID, by: event, at: micros, unit: evidence.unit, reweighing: true) { record in
                record.decisions.mutate(where: { $0.evidenceID == m.evidenceID }) { $0.evidenceWithdrawn = true }
            }
        case let .evidenceAssessed(m):
            let evidence = try evidence(m.evidenceID)
            try records.own(.assessment, m.assessmentID, by: evidence.learnerID)
            try change(evidence.learnerID, by: event, at: micros, unit: evidence.unit) { record in
                let decision = Attest_V1_DecisionEntry.with {
                    $0.assessmentID = m.assessmentID; $0.evidenceID = m.evidenceID; $0.assessor = actor
                    $0.decidedAtMicros = micros; $0.setOutcomes(m.decisions.lazy.map(\.decision))
                    for decision in m.decisions where decision.method != .unspecified { $0.methods[decision.criterion] = decision.method }
                    $0.unit = evidence.unit; $0.evidenceMethod = evidence.method; $0.evidenceWithdrawn = evidence.withdrawn
                }
                record.decisions.append(decision)
                if !evidence.withdrawn { record.markMet(decision, in: try specification(of: record)) }
            }
        case let .assessmentSampled(m):
            try change(owner: .assessment, m.assessmentID, by: event, at: micros, reweighing: m.outcome == .disagreed) { record in
                record.samples.append(.with {
                    $0.sampleID = m.sampleID; $0.assessmentID = m.assessmentID; $0.stage = m.stage; $0.outcome = m.outcome
                    $0.iqa = actor; $0.sampledAtMicros = micros
                })
                if m.outcome == .disagreed {
                    record.decisions.mutate(where: { $0.assessmentID == m.assessmentID }) { $0.awaitingRevision = true }
                }
            }
        case let .decisionRevised(m):
            try change(owner: .assessment, m.assessmentID, by: event, at: micros, reweighing: true) { record in
                record.decisions.mutate(where: { $0.assessmentID == m.assessmentID }) { decision in
                    decision.amendOutcomes(m.decisions)
                    decision.awaitingRevision = false
                    decision.decidedAtMicros = micros
                    decision.assessor = actor
                }
            }
        case let .rplCredited(m):
            try records.own(.rpl, m.rplID, by: m.learnerID)
            try change(m.learnerID, by: event, at: micros) { record in
                let credit = Attest_V1_RplEntry.with {
                    $0.rplID = m.rplID; $0.unit = m.unit; $0.basis = m.basis; $0.criteria = m.criteria
                    $0.assessor = actor; $0.creditedAtMicros = micros
                }
                record.rpl.append(credit)
                record.markMet(credit, in: try specification(of: record))
            }
        case let .rplRevoked(m):
            try change(owner: .rpl, m.rplID, by: event, at: micros, reweighing: true) { record in
                record.rpl.mutate(where: { $0.rplID == m.rplID }) { $0.revoked = true }
            }
        case .specificationImported, .staffRegistered, .standardisationRecorded, .simulationReviewed, .eqaSampleRequested,
             .accountOpened, .accountReset, .accountDisabled, .tokenIssued, .tokenRevoked:
            return
        }
    }

    /// Refuses a certificate claim for learner `learner` unless they have completed their
    /// specification (its rules of combination, its unit, or every item of a standard) and
    /// a summative sample of their decisions was agreed.
    /// - Throws: `RuleViolation` `certificate-earned`, naming what is missing.
    package func checkCertificateEarned(by learner: String) throws {
        guard let record = try records.record(learner) else { throw LearnerProgressError("learner \(learner) has no record") }
        let specification = try specification(of: record)
        let achieved = record.achievedUnits(of: specification)
        guard specification.completion.isMet(by: achieved) else {
            let shortfalls = specification.completion.shortfalls(of: record, achieved: achieved, in: specification)
            throw RuleViolation(
                "certificate-earned",
                "learner \(learner) has not completed \(record.qualification) version \(record.specificationVersion): \(shortfalls.joined(separator: ", "))")
        }
        guard record.samples.contains(where: { $0.stage == .summative && $0.outcome == .agreed }) else {
            throw RuleViolation(
                "certificate-earned",
                "no summative sample of learner \(learner)'s decisions was agreed (\(record.samples.filter { $0.stage == .summative }.count) summative samples recorded)")
        }
    }

    /// The specification version the learner is registered on.
    private func specification(of record: Attest_V1_LearnerRecord) throws -> CompiledSpecification {
        let key = SpecificationVersion(id: record.qualification, version: record.specificationVersion)
        if let compiled = known[key] { return compiled }
        guard let compiled = try specification(key.id, key.version) else {
            throw LearnerProgressError("specification \(key.id)@\(key.version) of learner \(record.learnerID) is missing")
        }
        known[key] = compiled
        return compiled
    }

    /// Changes the learner's record for `event`, which concerns `unit` when given (else
    /// the unit is read from the record). With `reweighing`, then works out afresh
    /// which criteria of the event's unit it meets, for a change that can undo a decision
    /// or a credit. A decision or a credit may complete a unit, and with it the
    /// specification for the first time: that date is noted.
    private func change(
        _ learner: String, by event: DomainEvent, at micros: Int64, unit given: String? = nil, reweighing: Bool = false,
        _ body: (inout Attest_V1_LearnerRecord) throws -> Void
    ) throws {
        let changed = try records.update(learner) { record in
            let weighing = record.achievedAtMicros == 0 && event.canCompleteUnit
            let unit = reweighing || weighing ? given ?? unit(of: event, in: record) : nil
            let specification = unit != nil ? try specification(of: record) : nil
            // Only a unit the event completes can tip the balance, so the whole record is weighed only then.
            let achievedBefore = if weighing, let unit, let specification { record.achieves(unit, in: specification) } else { true }
            try body(&record)
            guard let unit, let specification else { return }
            if reweighing { record.recomputeMet(of: unit, in: specification) }
            if !achievedBefore, record.achieves(unit, in: specification),
               specification.completion.isMet(by: record.achievedUnits(of: specification)) {
                record.achievedAtMicros = micros
            }
        }
        guard changed else { throw LearnerProgressError("learner \(learner) has no record") }
    }

    private func owner(_ kind: LearnerRecordPart, _ id: String) throws -> String {
        guard let learner = try records.owner(kind, id) else { throw LearnerProgressError("\(kind.rawValue) \(id) has no learner") }
        return learner
    }

    private func evidence(_ id: String) throws -> Attest_V1_EvidenceEntry {
        guard let evidence = try records.evidence(id) else { throw LearnerProgressError("evidence \(id) has not been submitted") }
        return evidence
    }

    private func change(
        owner kind: LearnerRecordPart, _ id: String, by event: DomainEvent, at micros: Int64, reweighing: Bool = false,
        _ body: (inout Attest_V1_LearnerRecord) throws -> Void
    ) throws {
        try change(try owner(kind, id), by: event, at: micros, reweighing: reweighing, body)
    }

    /// The unit a sample, a revised decision or a credit concerns, as the record has it;
    /// nil for other events.
    private func unit(of event: DomainEvent, in record: Attest_V1_LearnerRecord) -> String? {
        switch event {
        case let .assessmentSampled(m): record.decisions.last { $0.assessmentID == m.assessmentID }?.unit
        case let .decisionRevised(m): record.decisions.last { $0.assessmentID == m.assessmentID }?.unit
        case let .rplCredited(m): m.unit
        case let .rplRevoked(m): record.rpl.last { $0.rplID == m.rplID }?.unit
        default: nil
        }
    }
}

/// An event `LearnerProgress` cannot place: the log and the rules disagree.
package struct LearnerProgressError: Error, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
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

/// A specification's id and version.
struct SpecificationVersion: Hashable {
    let id: String
    let version: UInt32

    /// The rules' id of the version, `ID@VERSION`.
    var key: String { "\(id)@\(version)" }
}

extension Array {
    /// Changes the elements that match.
    mutating func mutate(where matches: (Element) -> Bool, _ body: (inout Element) -> Void) {
        for index in indices where matches(self[index]) { body(&self[index]) }
    }
}

