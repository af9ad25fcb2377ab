import Assessment
import EventLog
import Foundation
import Records

/// A learner's progress against their qualification's units and rules of combination,
/// computed from their record and the specification version they are registered on.
/// Encoded as JSON with the names documented in docs/reports.md.
public struct Transcript: Codable, Equatable, Sendable {
    public var learner: String
    /// The learner's unique learner number, when their registration gave one.
    public var uln: String?
    public var qualification: String
    public var specificationVersion: UInt32
    /// `in_progress`, `achieved`, `withdrawn` or `certificated`.
    public var status: String
    public var rulesOfCombinationMet: Bool
    /// When the rules of combination were first met (RFC 3339), or `nil`.
    public var achievedAt: String?
    public var credits: Credits
    public var units: [UnitProgress]
    public var adjustments: [Adjustment]
    public var samples: [Sample]

    public struct Credits: Codable, Equatable, Sendable {
        public var total: Int
        public var mandatory: Int
        public var optional: Int
        public var required: Required
    }

    public struct Required: Codable, Equatable, Sendable {
        public var total: Int
        public var mandatory: Int
        public var optional: Int
    }

    public struct UnitProgress: Codable, Equatable, Sendable {
        public var unit: String
        /// The group's code in the specification, e.g. `A`.
        public var group: String
        public var credits: Int
        /// `not_started`, `in_progress`, `achieved` or `achieved_by_rpl`.
        public var status: String
        public var criteria: [CriterionProgress]
    }

    public struct CriterionProgress: Codable, Equatable, Sendable {
        public var id: String
        /// `met`, `not_yet_met` or `not_assessed`.
        public var status: String
        /// `assessment` or `rpl` when met.
        public var metBy: String?
        public var evidence: [EvidenceUsed]
        public var assessor: String?
        public var decidedAt: String?
    }

    public struct EvidenceUsed: Codable, Equatable, Sendable {
        public var id: String
        public var method: String
    }

    public struct Adjustment: Codable, Equatable, Sendable {
        public var id: String
        public var arrangement: String
        public var units: [String]
    }

    public struct Sample: Codable, Equatable, Sendable {
        public var id: String
        public var assessment: String
        public var stage: String
        public var outcome: String
        public var iqa: String
        public var sampledAt: String
    }
}

extension Transcript {
    /// The learner as headings name them: the centre's reference, and the ULN when it is
    /// another number, e.g. `C-0042 (ULN 4567890123)`.
    public var learnerHeading: String {
        guard let uln, uln != learner else { return learner }
        return "\(learner) (ULN \(uln))"
    }

    /// The transcript of `record` against `specification`.
    init(record stored: Attest_V1_LearnerRecord, specification compiled: CompiledSpecification) {
        // The criteria met, worked out afresh: a store built by an earlier version of the
        // report keeps none.
        var record = stored
        record.recomputeMet(in: compiled)
        let specification = compiled.specification
        let standing = Standing(record)
        var units: [UnitProgress] = []
        for unit in specification.units {
            let group = specification.groups.first { $0.units.contains(unit.number) }?.code ?? ""
            let criteria = unit.learningOutcomes.flatMap(\.criteria).map { criterion -> CriterionProgress in
                if let rpl = standing.credit(unit.number, criterion.number) {
                    return CriterionProgress(
                        id: criterion.number, status: "met", metBy: "rpl", evidence: [], assessor: rpl.assessor,
                        decidedAt: Self.date(rpl.creditedAtMicros))
                }
                let judged = standing.judgements[unit.number + " " + criterion.number] ?? []
                let met = judged.filter(\.met).map(\.decision)
                if let first = met.first {
                    return CriterionProgress(
                        id: criterion.number, status: "met", metBy: "assessment",
                        evidence: met.map { standing.evidenceUsed($0, for: criterion.number) }, assessor: first.assessor, decidedAt: Self.date(first.decidedAtMicros))
                }
                if let last = judged.last?.decision {
                    return CriterionProgress(
                        id: criterion.number, status: "not_yet_met", metBy: nil,
                        evidence: judged.map { standing.evidenceUsed($0.decision, for: criterion.number) }, assessor: last.assessor,
                        decidedAt: Self.date(last.decidedAtMicros))
                }
                return CriterionProgress(id: criterion.number, status: "not_assessed", metBy: nil, evidence: [], assessor: nil, decidedAt: nil)
            }
            let status: String
            if standing.transfers[unit.number] != nil {
                status = "achieved_by_rpl"
            } else if record.achieves(unit.number, in: compiled) {
                status = "achieved"
            } else if criteria.contains(where: { $0.status != "not_assessed" }) {
                status = "in_progress"
            } else {
                status = "not_started"
            }
            units.append(UnitProgress(unit: unit.number, group: group, credits: Int(unit.credits), status: status, criteria: criteria))
        }
        let combination = CombinationRules(specification).weigh(record.achievedUnits(of: compiled))

        self.init(
            learner: record.learnerID, uln: record.uln.isEmpty ? nil : record.uln, qualification: record.qualification,
            specificationVersion: record.specificationVersion,
            status: record.certificatedAtMicros != 0 ? "certificated"
                : record.withdrawn ? "withdrawn" : combination.met ? "achieved" : "in_progress",
            rulesOfCombinationMet: combination.met,
            achievedAt: record.achievedAtMicros == 0 ? nil : Self.date(record.achievedAtMicros),
            credits: Credits(
                total: combination.total, mandatory: combination.mandatory, optional: combination.total - combination.mandatory,
                required: Required(total: combination.requiredTotal, mandatory: combination.requiredMandatory, optional: combination.requiredOptional)),
            units: units,
            adjustments: record.adjustments.filter { $0.decision == 1 }.map {
                Adjustment(id: $0.adjustmentID, arrangement: $0.arrangement, units: $0.units)
            },
            samples: record.samples.map {
                Sample(
                    id: $0.sampleID, assessment: $0.assessmentID, stage: $0.stage == .summative ? "summative" : "interim",
                    outcome: $0.outcome == .agreed ? "agreed" : "disagreed", iqa: $0.iqa, sampledAt: Self.date($0.sampledAtMicros))
            })
    }

    static func date(_ micros: Int64) -> String { Timestamp.format(Date(microsecondsSinceEpoch: micros)) }

    /// `WITNESS_TESTIMONY` → `witness_testimony`.
    static func name(_ method: Attest_V1_EvidenceMethod) -> String {
        switch method {
        case .observation: "observation"
        case .witnessTestimony: "witness_testimony"
        case .expertWitnessTestimony: "expert_witness_testimony"
        case .workProduct: "work_product"
        case .professionalDiscussion: "professional_discussion"
        case .questioning: "questioning"
        case .simulation: "simulation"
        case .writtenOrOnlineTest: "written_or_online_test"
        case .reflectiveAccount: "reflective_account"
        case .unspecified, .UNRECOGNIZED: "unspecified"
        }
    }
}
