import Assessment
import Foundation
import Records

extension TestCentre {
    /// The units learner L1 takes in `recordFullQualification`, with their credits:
    /// the four mandatory units (14 credits) and 13 optional credits.
    public static let scenarioUnits: [(unit: String, credits: Int)] = [
        ("A/506/2130", 5), ("F/506/2131", 2), ("M/617/4417", 3), ("L/506/1788", 4),
        ("D/506/2119", 3), ("T/506/2126", 3), ("K/503/0421", 7),
    ]

    /// Follows learner L1 to the full rules of combination:
    /// - the four mandatory units, each met on one piece of evidence assessed by a1;
    /// - D/506/2119 by RPL credit transfer;
    /// - T/506/2126 assessed under approved reasonable adjustment RA1;
    /// - K/503/0421 assessed, its decision sampled and disagreed by i1, then revised;
    /// - a summative sample by i2, agreed, on the A/506/2130 decision.
    /// Evidence is recorded by a2; ids are `E-<unit>` and `AS-<unit>`. With `revising`
    /// false, the disagreed K/503/0421 decision is left unrevised; with `summative` false,
    /// there is no summative sample.
    public func recordFullQualification(revising: Bool = true, summative: Bool = true) throws {
        try record(.adjustmentRequested(.with {
            $0.adjustmentID = "RA1"; $0.learnerID = "L1"; $0.arrangement = "extra time for written work"
            $0.units = ["T/506/2126"]
        }), by: "admin")
        try record(.adjustmentApproved(.with { $0.adjustmentID = "RA1"; $0.conditions = "written work only" }), by: "o1")
        try record(.rplCredited(.with {
            $0.rplID = "RPL1"; $0.learnerID = "L1"; $0.unit = "D/506/2119"; $0.basis = .creditTransfer
            $0.evidence = "certificate 88-10231"
        }), by: "a1")
        for (unit, _) in Self.scenarioUnits where unit != "D/506/2119" {
            let criteria = specification.units.first { $0.number == unit }!.learningOutcomes.flatMap { $0.criteria.map(\.number) }
            try record(.evidenceSubmitted(Self.evidence("E-\(unit)", unit: unit, criteria: criteria, method: .workProduct)), by: "a2")
            let adjustments = unit == "T/506/2126" ? ["RA1"] : []
            try record(.evidenceAssessed(Self.assessment("AS-\(unit)", of: "E-\(unit)", criteria: criteria, adjustments: adjustments)), by: "a1")
        }
        try record(.assessmentSampled(Self.sample("S1", of: "AS-K/503/0421", outcome: .disagreed)), by: "i1")
        let k = specification.units.first { $0.number == "K/503/0421" }!.learningOutcomes.flatMap { $0.criteria.map(\.number) }
        if revising { try record(.decisionRevised(.with {
            $0.assessmentID = "AS-K/503/0421"; $0.sampleID = "S1"
            $0.decisions = k.map { c in .with { $0.criterion = c; $0.outcome = .met } }
            $0.rationale = "Re-observed with the IQA's points addressed; all criteria met."
        }), by: "a1") }
        if summative { try record(.assessmentSampled(Self.sample("S2", of: "AS-A/506/2130", stage: .summative)), by: "i2") }
    }
}
