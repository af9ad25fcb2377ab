import Assessment
import EventLog
import Foundation
import Records

/// A learner's progress against their qualification's units and rules of combination,
/// computed from their record and the specification version they are registered on.
/// Encoded as JSON with the names documented in docs/reports.md.
public struct Transcript: Codable, Equatable, Sendable {
    public var learner: String
    public var qualification: String
    public var specificationVersion: UInt32
    /// `in_progress`, `achieved` or `withdrawn`.
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
    /// The transcript of `record` against `specification`.
    init(record: Attest_V1_LearnerRecord, specification compiled: CompiledSpecification) {
        let specification = compiled.specification
        let evidence = Dictionary(record.evidence.map { ($0.evidenceID, $0) }, uniquingKeysWith: { a, _ in a })
        let counting = record.decisions.filter { decision in
            !decision.awaitingRevision && evidence[decision.evidenceID].map { !$0.withdrawn } == true
        }
        let standingRPL = record.rpl.filter { !$0.revoked }
        // Each counting decision, filed under "unit criterion" once, in the order made.
        var judgements: [String: [(decision: Attest_V1_DecisionEntry, met: Bool)]] = [:]
        for decision in counting {
            guard let unit = evidence[decision.evidenceID]?.unit else { continue }
            for outcome in decision.decisions {
                judgements[unit + " " + outcome.criterion, default: []].append((decision, outcome.outcome == .met))
            }
        }
        var units: [UnitProgress] = []
        for unit in specification.units {
            let group = specification.groups.first { $0.units.contains(unit.number) }?.code ?? ""
            let transfer = standingRPL.first { $0.unit == unit.number && $0.basis == .creditTransfer }
            let criteria = unit.learningOutcomes.flatMap(\.criteria).map { criterion -> CriterionProgress in
                if let rpl = transfer ?? standingRPL.first(where: { $0.unit == unit.number && $0.criteria.contains(criterion.number) }) {
                    return CriterionProgress(
                        id: criterion.number, status: "met", metBy: "rpl", evidence: [], assessor: rpl.assessor,
                        decidedAt: Self.date(rpl.creditedAtMicros))
                }
                let judged = judgements[unit.number + " " + criterion.number] ?? []
                let met = judged.filter(\.met).map(\.decision)
                if let first = met.first {
                    return CriterionProgress(
                        id: criterion.number, status: "met", metBy: "assessment",
                        evidence: met.map { EvidenceUsed(id: $0.evidenceID, method: Self.name(evidence[$0.evidenceID]!.method)) },
                        assessor: first.assessor, decidedAt: Self.date(first.decidedAtMicros))
                }
                if let last = judged.last?.decision {
                    return CriterionProgress(
                        id: criterion.number, status: "not_yet_met", metBy: nil,
                        evidence: judged.map { EvidenceUsed(id: $0.decision.evidenceID, method: Self.name(evidence[$0.decision.evidenceID]!.method)) },
                        assessor: last.assessor, decidedAt: Self.date(last.decidedAtMicros))
                }
                return CriterionProgress(id: criterion.number, status: "not_assessed", metBy: nil, evidence: [], assessor: nil, decidedAt: nil)
            }
            let status: String
            if transfer != nil {
                status = "achieved_by_rpl"
            } else if !criteria.isEmpty, criteria.allSatisfy({ $0.status == "met" }) {
                status = "achieved"
            } else if criteria.contains(where: { $0.status != "not_assessed" }) {
                status = "in_progress"
            } else {
                status = "not_started"
            }
            units.append(UnitProgress(unit: unit.number, group: group, credits: Int(unit.credits), status: status, criteria: criteria))
        }

        let mandatoryGroups = Set(specification.groups.filter(\.mandatory).map(\.code))
        let achieved = units.filter { $0.status == "achieved" || $0.status == "achieved_by_rpl" }
        let mandatoryCredits = achieved.filter { mandatoryGroups.contains($0.group) }.map(\.credits).reduce(0, +)
        let total = achieved.map(\.credits).reduce(0, +)
        let rules = specification.rulesOfCombination
        let minimums = rules.groupMinimums
        let required = Required(
            total: Int(rules.totalCredits),
            mandatory: minimums.filter { mandatoryGroups.contains($0.group) }.map { Int($0.minimumCredits) }.reduce(0, +),
            optional: minimums.filter { !mandatoryGroups.contains($0.group) }.map { Int($0.minimumCredits) }.reduce(0, +))
        let groupsMet = minimums.allSatisfy { minimum in
            achieved.filter { $0.group == minimum.group }.map(\.credits).reduce(0, +) >= Int(minimum.minimumCredits)
        }
        let achievedUnits = Set(achieved.map(\.unit))
        let met = rules.totalCredits > 0 && total >= Int(rules.totalCredits) && groupsMet
            && rules.mandatoryUnits.allSatisfy(achievedUnits.contains)

        self.init(
            learner: record.learnerID, qualification: record.qualification,
            specificationVersion: record.specificationVersion,
            status: record.withdrawn ? "withdrawn" : met ? "achieved" : "in_progress",
            rulesOfCombinationMet: met,
            achievedAt: record.achievedAtMicros == 0 ? nil : Self.date(record.achievedAtMicros),
            credits: Credits(total: total, mandatory: mandatoryCredits, optional: total - mandatoryCredits, required: required),
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

    /// `OBSERVATION` → `observation`.
    static func name(_ method: Attest_V1_EvidenceMethod) -> String {
        String(describing: method).snakeCased
    }
}

extension String {
    /// `witnessTestimony` → `witness_testimony`.
    var snakeCased: String {
        var out = ""
        for character in self {
            if character.isUppercase { out += "_" + character.lowercased() } else { out.append(character) }
        }
        return out
    }
}
