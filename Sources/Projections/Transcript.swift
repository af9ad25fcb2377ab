import Assessment
import EventLog
import Foundation
import Records

/// A learner's progress against the specification version they are registered on:
/// a qualification's units and rules of combination, a standalone unit's criteria, or
/// a standard's performance criteria and knowledge items. Computed from their record;
/// encoded as JSON with the names documented in docs/reports.md.
public struct Transcript: Codable, Equatable, Sendable {
    public var learner: String
    /// The learner's unique learner number, when their registration gave one.
    public var uln: String?
    /// The learner's names, as registered or last corrected; absent when not recorded.
    public var givenName: String?
    public var familyName: String?
    /// True once the learner's personal data was erased (`learner.erased`): their ULN,
    /// names and adjustments' arrangements are gone, their achievements stay.
    public var erased: Bool?
    public var qualification: String
    public var specificationVersion: UInt32
    /// What the learner is registered on: its kind and identity.
    public var specification: SpecificationSummary
    /// `in_progress`, `achieved`, `withdrawn` or `certificated`.
    public var status: String
    /// For a qualification: whether its rules of combination are met; absent otherwise.
    public var rulesOfCombinationMet: Bool?
    /// When the specification was first completed (RFC 3339), or `nil`.
    public var achievedAt: String?
    /// When the certificate was claimed (RFC 3339), or `nil`.
    public var certificatedAt: String?
    /// Credits achieved against those asked; absent for a standard, which has none.
    public var credits: Credits?
    /// What is still missing, in words and figures; empty once complete.
    public var shortfalls: [String]
    /// A qualification's units, or a standalone unit's one; empty for a standard.
    public var units: [UnitProgress]
    /// A standard's performance criteria and knowledge items; absent for other kinds.
    public var performanceCriteria: [CriterionProgress]?
    public var knowledge: [CriterionProgress]?
    public var adjustments: [Adjustment]
    public var samples: [Sample]

    public struct SpecificationSummary: Codable, Equatable, Sendable {
        public var id: String
        /// `qualification`, `standalone_unit` or `occupational_standard`.
        public var kind: String
        public var title: String
        public var awardingOrganisation: String?
        public var developedBy: String?
        public var publishedVersion: String?
        public var approvedOn: String?
        public var reviewOn: String?
        public var urn: String?
        public var supersededUrns: [String]?
        public var suite: String?
        public var occupations: [String]?
    }

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
        /// The group's code in the specification, e.g. `A`; empty for a standalone unit.
        public var group: String
        public var credits: Int
        public var guidedLearningHours: Int?
        /// `not_started`, `in_progress`, `achieved` or `achieved_by_rpl`.
        public var status: String
        public var criteria: [CriterionProgress]
    }

    public struct CriterionProgress: Codable, Equatable, Sendable {
        public var id: String
        /// `knowledge` or `competence`, as the specification marks its learning outcome
        /// (or the standard's list); absent when it does not say.
        public var kind: String?
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
    /// The learner as headings name them: the centre's reference, their names when
    /// recorded, and the ULN when it is another number, e.g. `C-0042 Ada Byron (ULN 4567890123)`.
    public var learnerHeading: String {
        let names = erased == true ? ["(personal data erased)"] : [givenName, familyName].compactMap { $0 }
        let named = names.isEmpty ? learner : "\(learner) \(names.joined(separator: " "))"
        guard let uln, uln != learner else { return named }
        return "\(named) (ULN \(uln))"
    }

    /// Whether the learner has completed the specification (whatever happened since).
    public var isComplete: Bool { shortfalls.isEmpty }

    /// What the learner is registered on, e.g. `LSILADD09 version 1: Assess learner
    /// achievement (occupational standard, URN LSILADD09, developed by Lifelong Learning UK)`.
    public var specificationLine: String {
        let s = specification
        let facts = [s.kind.replacingOccurrences(of: "_", with: " ")] + [
            s.awardingOrganisation, s.urn.map { "URN \($0)" }, s.publishedVersion.map { "published version \($0)" },
            s.developedBy.map { "developed by \($0)" }, s.approvedOn.map { "approved \($0)" }, s.reviewOn.map { "review by \($0)" },
            s.supersededUrns.map { "supersedes \($0.joined(separator: ", "))" }, s.suite.map { "suite \($0)" },
            s.occupations.map { "for \($0.joined(separator: ", "))" },
        ].compactMap { $0 }
        return "\(qualification) version \(specificationVersion): \(s.title) (\(facts.joined(separator: "; ")))"
    }

    /// The status in a sentence, with the credits where the specification has them, e.g.
    /// `in progress; credits 26 of 27 (mandatory 14 of 14, optional 12 of 13); rules of combination not met`.
    public var statusLine: String {
        var parts = [status.replacingOccurrences(of: "_", with: " ")]
        if let creditsLine { parts.append(creditsLine) }
        if let met = rulesOfCombinationMet { parts.append(met ? "rules of combination met" : "rules of combination not met") }
        return parts.joined(separator: "; ") + (achievedAt.map { ", first completed \($0)" } ?? "")
    }

    /// The credits achieved against those asked, e.g. `credits 23 of 27 (mandatory 14 of 14,
    /// optional 9 of 13)`; `nil` for a standard, which has none.
    public var creditsLine: String? {
        credits.map { c in
            "credits \(c.total) of \(c.required.total) (mandatory \(c.mandatory) of \(c.required.mandatory), optional \(c.optional) of \(c.required.optional))"
        }
    }

    /// The status of the learner `record` keeps: certificated, withdrawn, achieved (no
    /// shortfall against their specification) or in progress.
    /// Every status `status` gives, in the order a learner passes through them.
    public static let statuses = ["in_progress", "achieved", "certificated", "withdrawn"]

    static func status(of record: Attest_V1_LearnerRecord, complete: Bool) -> String {
        record.certificatedAtMicros != 0 ? "certificated" : record.withdrawn ? "withdrawn" : complete ? "achieved" : "in_progress"
    }

    /// Whether the learner `record` keeps has completed `compiled`: their transcript lists no shortfall.
    static func isComplete(_ record: Attest_V1_LearnerRecord, in compiled: CompiledSpecification) -> Bool {
        compiled.completion.isMet(by: record.achievedUnits(of: compiled))
    }

    /// The transcript of `record` against `specification`, with the criteria met as the
    /// record keeps them (worked out as the events came, by `LearnerProgress`).
    init(record: Attest_V1_LearnerRecord, specification compiled: CompiledSpecification) {
        let specification = compiled.specification
        let standing = Standing(record)
        func progress(_ criteria: [(criterion: Attest_V1_Criterion, kind: Attest_V1_OutcomeKind)], of unit: String) -> [CriterionProgress] {
            criteria.map { Self.progress(of: $0.criterion.number, kind: $0.kind, in: unit, standing) }
        }
        var units: [UnitProgress] = []
        for unit in specification.units {
            let group = specification.groups.first { $0.units.contains(unit.number) }?.code ?? ""
            let criteria = progress(unit.learningOutcomes.flatMap { outcome in outcome.criteria.map { ($0, outcome.kind) } }, of: unit.number)
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
            units.append(UnitProgress(
                unit: unit.number, group: group, credits: Int(unit.credits),
                guidedLearningHours: unit.guidedLearningHours == 0 ? nil : Int(unit.guidedLearningHours), status: status, criteria: criteria))
        }
        let isStandard = specification.kind == .occupationalStandard
        let completion = compiled.completion
        let achieved = record.achievedUnits(of: compiled)
        let combination = completion.weigh(achieved)
        let shortfalls = completion.shortfalls(of: record, achieved: achieved, in: compiled)

        self.init(
            learner: record.learnerID, uln: nil, givenName: nil, familyName: nil, erased: record.erasedIn != 0 ? true : nil,
            qualification: record.qualification,
            specificationVersion: record.specificationVersion, specification: SpecificationSummary(specification),
            status: Self.status(of: record, complete: shortfalls.isEmpty),
            rulesOfCombinationMet: specification.kind == .qualification ? combination.met : nil,
            achievedAt: record.achievedAtMicros == 0 ? nil : Self.date(record.achievedAtMicros),
            certificatedAt: record.certificatedAtMicros == 0 ? nil : Self.date(record.certificatedAtMicros),
            credits: isStandard ? nil : Credits(
                total: combination.total, mandatory: combination.mandatory, optional: combination.total - combination.mandatory,
                required: Required(total: combination.requiredTotal, mandatory: combination.requiredMandatory, optional: combination.requiredOptional)),
            shortfalls: shortfalls,
            units: units,
            performanceCriteria: isStandard ? progress(specification.performanceCriteria.map { ($0, .competence) }, of: specification.id) : nil,
            knowledge: isStandard ? progress(specification.knowledge.map { ($0, .knowledge) }, of: specification.id) : nil,
            adjustments: record.adjustments.filter { $0.decision == 1 }.map {
                Adjustment(id: $0.adjustmentID, arrangement: "", units: $0.units)
            },
            samples: record.samples.map {
                Sample(
                    id: $0.sampleID, assessment: $0.assessmentID, stage: $0.stage == .summative ? "summative" : "interim",
                    outcome: $0.outcome == .agreed ? "agreed" : "disagreed", iqa: $0.iqa, sampledAt: Self.date($0.sampledAtMicros))
            })
    }

    /// Where criterion `id` of `unit` stands: credited, met (by the first decision that met
    /// it), not yet met (by the last decision), or not assessed.
    private static func progress(of id: String, kind: Attest_V1_OutcomeKind, in unit: String, _ standing: Standing) -> CriterionProgress {
        let kind = kind.name
        if let rpl = standing.credit(unit, id) {
            return CriterionProgress(
                id: id, kind: kind, status: "met", metBy: "rpl", evidence: [], assessor: rpl.assessor, decidedAt: date(rpl.creditedAtMicros))
        }
        let judged = standing.judgements[unit + " " + id] ?? []
        let met = judged.filter(\.met).map(\.decision)
        if let first = met.first {
            return CriterionProgress(
                id: id, kind: kind, status: "met", metBy: "assessment", evidence: met.map { standing.evidenceUsed($0, for: id) },
                assessor: first.assessor, decidedAt: date(first.decidedAtMicros))
        }
        if let last = judged.last?.decision {
            return CriterionProgress(
                id: id, kind: kind, status: "not_yet_met", metBy: nil, evidence: judged.map { standing.evidenceUsed($0.decision, for: id) },
                assessor: last.assessor, decidedAt: date(last.decidedAtMicros))
        }
        return CriterionProgress(id: id, kind: kind, status: "not_assessed", metBy: nil, evidence: [], assessor: nil, decidedAt: nil)
    }

    static func date(_ micros: Int64) -> String { Timestamp.format(Date(microsecondsSinceEpoch: micros)) }
}

extension Transcript.SpecificationSummary {
    /// The kind and identity of `specification`, leaving out what it does not say.
    init(_ specification: Attest_V1_Specification) {
        func given(_ text: String) -> String? { text.isEmpty ? nil : text }
        func given(_ list: [String]) -> [String]? { list.isEmpty ? nil : list }
        self.init(
            id: specification.id, kind: specification.kind.name, title: specification.title,
            awardingOrganisation: given(specification.awardingOrganisation), developedBy: given(specification.developedBy),
            publishedVersion: given(specification.publishedVersion), approvedOn: given(specification.approvedOn),
            reviewOn: given(specification.reviewOn), urn: given(specification.urn), supersededUrns: given(specification.supersededUrns),
            suite: given(specification.suite), occupations: given(specification.occupations))
    }
}

extension Attest_V1_Specification.Kind {
    /// `STANDALONE_UNIT` → `standalone_unit`.
    var name: String {
        switch self {
        case .qualification: "qualification"
        case .standaloneUnit: "standalone_unit"
        case .occupationalStandard: "occupational_standard"
        case .unspecified, .UNRECOGNIZED: "unspecified"
        }
    }
}

extension Attest_V1_OutcomeKind {
    /// `knowledge` or `competence`; `nil` when not stated.
    var name: String? {
        switch self {
        case .knowledge: "knowledge"
        case .competence: "competence"
        case .unspecified, .UNRECOGNIZED: nil
        }
    }
}
