import AttestKit
import Foundation

/// A learner's page: their transcript as a criteria map (unit × criterion, coloured and
/// marked by status), what is still to do, their evidence, decisions, samples and
/// revisions, adjustments and RPL, and every record of theirs in the log.
public struct LearnerView: Sendable {
    let specification: String
    let status: String
    let credits: String?
    let erased: Bool
    let hasShortfalls: Bool
    let shortfalls: [String]
    let map: [MapRow]
    let evidence: [EvidenceRow]
    let decisions: [DecisionRow]
    let samples: [SampleRow]
    let adjustments: [AdjustmentRow]
    let rpl: [RPLRow]
    let timeline: [TimelineRow]
    /// Whether the learner's records are shown (not for a transcript as of an earlier point).
    let hasTimeline: Bool
    let hasEvidence: Bool, hasDecisions: Bool, hasSamples: Bool, hasAdjustments: Bool, hasRPL: Bool
    let proofs: Bool

    /// A unit (or a standard's list) and its criteria.
    struct MapRow: Sendable {
        let label: String
        let detail: String
        let cells: [Cell]
    }

    struct Cell: Sendable {
        let id: String
        /// The class that colours it: `met`, `rpl`, `not_yet_met` or `not_assessed`.
        let state: String
        let symbol: String
        let words: String
    }

    /// Where a row's record is in the log, linked to its inclusion proof when the staff member reads proofs.
    struct Sequence: Sendable {
        let sequence: UInt64
        let proof: String?
    }

    struct EvidenceRow: Sendable {
        let id: String, unit: String, method: String, criteria: String, witness: String, at: String
        var withdrawn: Bool
        let sequence: Sequence
    }

    struct DecisionRow: Sendable {
        let id: String, evidence: String, met: String, notMet: String, by: String, at: String
        let sequence: Sequence
    }

    struct SampleRow: Sendable {
        let id: String, assessment: String, stage: String, outcome: String, notes: String, by: String, at: String
        let sequence: Sequence
    }

    struct AdjustmentRow: Sendable {
        let id: String, units: String, arrangement: String
        var decision: String
        let at: String
        let sequence: Sequence
    }

    struct RPLRow: Sendable {
        let id: String, unit: String, basis: String, criteria: String
        var decision: String
        let at: String
        let sequence: Sequence
    }

    struct TimelineRow: Sendable {
        let sequence: Sequence
        let at: String
        let event: String
        let by: String
    }

    /// - Parameters:
    ///   - events: the learner's records, oldest first; `nil` to show the transcript alone.
    ///   - proofs: whether the staff member reads inclusion proofs (the timeline links to them).
    public init(transcript: Transcript, events: [RecordedEvent]?, proofs: Bool) {
        hasTimeline = events != nil
        let events = events ?? []
        specification = transcript.specificationLine
        status = words(transcript.status)
        credits = transcript.creditsLine
        erased = transcript.erased == true
        shortfalls = transcript.shortfalls
        hasShortfalls = !shortfalls.isEmpty
        map = Self.map(of: transcript)
        self.proofs = proofs
        let at = { (micros: Int64) in Self.time(micros) }
        let place = { (event: RecordedEvent) in Sequence(sequence: event.sequence, proof: proofs ? "/v1/proofs/inclusion?sequence=\(event.sequence)" : nil) }
        var evidence: [EvidenceRow] = [], decisions: [DecisionRow] = [], samples: [SampleRow] = []
        var adjustments: [AdjustmentRow] = [], rpl: [RPLRow] = []
        for event in events {
            let when = at(event.occurredAtMicros), sequence = place(event)
            switch event.event {
            case let .evidenceSubmitted(m):
                evidence.append(EvidenceRow(id: m.evidenceID, unit: m.unit, method: words(m.method.name), criteria: m.criteria.joined(separator: ", "),
                                            witness: Self.shown(m.witness), at: when, withdrawn: false, sequence: sequence))
            case let .evidenceWithdrawn(m):
                if let index = evidence.firstIndex(where: { $0.id == m.evidenceID }) { evidence[index].withdrawn = true }
            case let .evidenceAssessed(m):
                let met = m.decisions.filter { $0.outcome == .met }.map(\.criterion), notMet = m.decisions.filter { $0.outcome != .met }.map(\.criterion)
                decisions.append(DecisionRow(id: m.assessmentID, evidence: m.evidenceID, met: met.joined(separator: ", "),
                                             notMet: notMet.joined(separator: ", "), by: event.actor, at: when, sequence: sequence))
            case let .assessmentSampled(m):
                let notes = [m.rationale, m.requiredAction].map(Self.shown).filter { !$0.isEmpty }.joined(separator: " Action: ")
                samples.append(SampleRow(id: m.sampleID, assessment: m.assessmentID, stage: m.stage == .summative ? "summative" : "interim",
                                         outcome: m.outcome == .agreed ? "agreed" : "disagreed", notes: notes, by: event.actor, at: when, sequence: sequence))
            case let .decisionRevised(m):
                let met = m.decisions.filter { $0.outcome == .met }.map(\.criterion)
                samples.append(SampleRow(id: "revision after \(m.sampleID)", assessment: m.assessmentID, stage: "revision",
                                         outcome: met.isEmpty ? "no criterion met" : "met " + met.joined(separator: ", "),
                                         notes: Self.shown(m.rationale), by: event.actor, at: when, sequence: sequence))
            case let .adjustmentRequested(m):
                adjustments.append(AdjustmentRow(id: m.adjustmentID, units: m.units.joined(separator: ", "), arrangement: Self.shown(m.arrangement),
                                                 decision: "requested", at: when, sequence: sequence))
            case let .adjustmentApproved(m):
                if let index = adjustments.firstIndex(where: { $0.id == m.adjustmentID }) {
                    adjustments[index].decision = "approved by \(event.actor) " + String(when.prefix(10))
                }
            case let .adjustmentRejected(m):
                if let index = adjustments.firstIndex(where: { $0.id == m.adjustmentID }) {
                    adjustments[index].decision = "rejected by \(event.actor) " + String(when.prefix(10)) + ": " + Self.shown(m.reason)
                }
            case let .rplCredited(m):
                rpl.append(RPLRow(id: m.rplID, unit: m.unit, basis: m.basis == .creditTransfer ? "credit transfer" : "prior learning",
                                  criteria: m.criteria.isEmpty ? "the whole unit" : m.criteria.joined(separator: ", "),
                                  decision: "credited by \(event.actor)", at: when, sequence: sequence))
            case let .rplRevoked(m):
                if let index = rpl.firstIndex(where: { $0.id == m.rplID }) {
                    rpl[index].decision = "revoked by \(event.actor) " + String(when.prefix(10)) + ": " + Self.shown(m.reason)
                }
            default:
                break
            }
        }
        (self.evidence, self.decisions, self.samples, self.adjustments, self.rpl) = (evidence, decisions, samples, adjustments, rpl)
        (hasEvidence, hasDecisions, hasSamples, hasAdjustments, hasRPL) = (!evidence.isEmpty, !decisions.isEmpty, !samples.isEmpty, !adjustments.isEmpty, !rpl.isEmpty)
        timeline = events.map { TimelineRow(sequence: place($0), at: at($0.occurredAtMicros), event: Self.summary($0.event), by: $0.actor) }
    }

    /// Learner `learner`'s records in `store`, oldest first, their personal fields opened
    /// with the learner's key when the store holds it.
    public static func events(of learner: String, in store: CentreStore) throws -> [RecordedEvent] {
        let keyring = Keyring(store: store.log.environment.path)
        return try store.records(of: learner).map { try RecordedEvent(record: keyring.opened($0.record)) }
    }

    /// The criteria map's rows: a qualification's or standalone unit's units, or a
    /// standard's performance criteria and knowledge.
    static func map(of transcript: Transcript) -> [MapRow] {
        var rows = transcript.units.map { unit in
            MapRow(label: "Unit \(unit.unit)", detail: [unit.group.isEmpty ? nil : "group \(unit.group)", "\(unit.credits) credits", words(unit.status)]
                .compactMap { $0 }.joined(separator: ", "), cells: unit.criteria.map(cell))
        }
        if let performance = transcript.performanceCriteria { rows.append(MapRow(label: "Performance criteria", detail: "", cells: performance.map(cell))) }
        if let knowledge = transcript.knowledge { rows.append(MapRow(label: "Knowledge", detail: "", cells: knowledge.map(cell))) }
        return rows
    }

    static func cell(_ criterion: Transcript.CriterionProgress) -> Cell {
        switch (criterion.status, criterion.metBy) {
        case ("met", "rpl"): Cell(id: criterion.id, state: "rpl", symbol: "R", words: "credited by RPL")
        case ("met", _): Cell(id: criterion.id, state: "met", symbol: "✓",
                              words: "met" + (criterion.assessor.map { " (assessed by \($0))" } ?? ""))
        case ("not_yet_met", _): Cell(id: criterion.id, state: "not_yet_met", symbol: "✗", words: "not yet met")
        default: Cell(id: criterion.id, state: "not_assessed", symbol: "·", words: "not assessed")
        }
    }

    /// An event in a few words: its type and what it names.
    static func summary(_ event: DomainEvent) -> String {
        let names: String? = switch event {
        case let .learnerRegistered(m): "on \(m.qualification) version \(m.specificationVersion), assessor \(m.assessor), IQA \(m.internalQualityAssurer)"
        case let .evidenceSubmitted(m): "\(m.evidenceID) for unit \(m.unit) by \(words(m.method.name))"
        case let .evidenceAssessed(m): "\(m.assessmentID) of \(m.evidenceID)"
        case let .evidenceWithdrawn(m): m.evidenceID
        case let .assessmentSampled(m): "\(m.sampleID) of \(m.assessmentID)"
        case let .decisionRevised(m): "\(m.assessmentID) after \(m.sampleID)"
        case let .adjustmentRequested(m): m.adjustmentID
        case let .adjustmentApproved(m): m.adjustmentID
        case let .adjustmentRejected(m): m.adjustmentID
        case let .rplCredited(m): "\(m.rplID) for unit \(m.unit)"
        case let .rplRevoked(m): m.rplID
        case let .eqaSampleRequested(m): "\(m.sampleID) by \(m.externalQualityAssurer)"
        default: nil
        }
        return names.map { "\(event.type.rawValue): \($0)" } ?? event.type.rawValue
    }

    /// A personal field as shown: empty when absent, `(erased)` when its key is gone.
    static func shown(_ field: String) -> String { field == PersonalFields.closed ? "(erased)" : field }

    /// `2025-01-20T09:00:00Z` as `2025-01-20 09:00`.
    static func time(_ micros: Int64) -> String {
        let text = Timestamp.format(micros: micros)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5))
    }
}
