import AttestTesting
import Assessment
import Centre
import Foundation
import Projections
import Testing

/// evidence.assessed version 2 in the reports: the method that confirmed each criterion,
/// and the learner's ULN.
@Suite struct CriterionMethodTests {
    typealias C = TestCentre

    /// Learner L1's work product for 1.1–1.3 of A/506/2130, with 1.3 confirmed by questioning.
    static func centre() throws -> TestCentre {
        let centre = try C.standard(projections: CentreStore.reports)
        try centre.record(.evidenceSubmitted(C.evidence("E1", criteria: ["1.1", "1.2", "1.3"], method: .workProduct)), by: "a2")
        var assessment = C.assessment("AS1", of: "E1", criteria: ["1.1", "1.2", "1.3"])
        assessment.decisions[2].method = .questioning
        try centre.record(.evidenceAssessed(assessment), by: "a1")
        return centre
    }

    @Test func aTranscriptShowsTheMethodThatConfirmedEachCriterion() throws {
        let centre = try Self.centre()
        let transcript = try #require(try centre.store.transcript(of: "L1"))
        let unit = try #require(transcript.units.first { $0.unit == "A/506/2130" })
        let methods = Dictionary(uniqueKeysWithValues: unit.criteria.map { ($0.id, $0.evidence.map(\.method)) })
        #expect(methods["1.1"] == ["work_product"])
        #expect(methods["1.2"] == ["work_product"])
        #expect(methods["1.3"] == ["questioning"])
        #expect(unit.criteria.first { $0.id == "1.3" }?.evidence.map(\.id) == ["E1"])
    }

    @Test func theAuditCountsADecisionUnderEachMethodItUsed() throws {
        let centre = try Self.centre()
        var audit = try centre.store.audit(on: centre.now)
        #expect(audit.methods.map(\.method) == ["questioning", "work_product"])
        #expect(audit.methods.map(\.decisions) == [1, 1])
        #expect(audit.methods.map(\.sampled) == [0, 0])
        #expect(audit.assessors.first { $0.id == "a1" }?.methods == ["questioning", "work_product"])
        #expect(audit.assessors.first { $0.id == "a1" }?.decisions == 1)
        try centre.record(.assessmentSampled(C.sample("S1", of: "AS1")), by: "i1")
        audit = try centre.store.audit(on: centre.now)
        #expect(audit.methods.map(\.sampled) == [1, 1])
        #expect(audit.gaps.methodsNeverSampled.isEmpty)
    }

    @Test func aTranscriptShowsTheULNOnlyWhenOneWasGiven() throws {
        let centre = try C.standard(projections: CentreStore.reports)
        var learner = C.learner("C-0042")
        learner.uln = "4567890123"
        try centre.record(.learnerRegistered(learner), by: "admin")
        #expect(try centre.store.transcript(of: "C-0042")?.uln == "4567890123")
        #expect(try centre.store.transcript(of: "C-0042")?.learnerHeading == "C-0042 Ada Byron (ULN 4567890123)")
        #expect(try centre.store.transcript(of: "L1")?.uln == nil)
        #expect(try centre.store.transcript(of: "L1")?.learnerHeading == "L1 Ada Byron")
    }
}
