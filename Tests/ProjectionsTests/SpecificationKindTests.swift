import AttestTesting
import Assessment
@testable import Projections
import Centre
import Records
import Testing

/// A National Occupational Standard and a standalone unit, imported, assessed item by
/// item with several methods, sampled and claimed: both complete.
@Suite struct SpecificationKindTests {
    static let standard = "LSILADD09"
    static let unit = "A/506/2130"

    /// A centre with the standard and the standalone unit imported, assessor `as1`
    /// (competent in both), IQA `iq1`, and learners `N1` on the standard and `U1` on the unit.
    func centre() throws -> TestCentre {
        let centre = try TestCentre(projections: CentreStore.reports)
        try centre.record(.staffRegistered(.with { $0.staffID = "admin"; $0.roles = [.centreAdministrator] }), by: "admin")
        for name in ["LSILADD09-assess-learner-achievement", "A-506-2130-deliver-customer-service"] {
            try centre.record(.specificationImported(.with { $0.version = 1; $0.specification = try Fixtures.specification(name) }), by: "admin")
        }
        try centre.record(.staffRegistered(.with {
            $0.staffID = "as1"; $0.roles = [.assessor]; $0.competentUnits = [Self.standard, Self.unit]; $0.status = .qualified
        }), by: "admin")
        try centre.record(.staffRegistered(.with {
            $0.staffID = "iq1"; $0.roles = [.internalQualityAssurer]; $0.competentUnits = [Self.standard, Self.unit]; $0.status = .qualified
        }), by: "admin")
        for (learner, specification) in [("N1", Self.standard), ("U1", Self.unit)] {
            try centre.record(.learnerRegistered(.with {
                $0.learnerID = learner; $0.qualification = specification; $0.specificationVersion = 1
                $0.dateOfBirth = "1990-02-14"; $0.givenName = "Noor"; $0.familyName = "Ali"; $0.assessor = "as1"; $0.internalQualityAssurer = "iq1"
            }), by: "admin")
        }
        return centre
    }

    /// Records evidence of `learner` on `unit` for each group of criteria, each with its
    /// method, assessed by `as1` (who observed, questioned or discussed it), all met.
    func assess(_ centre: TestCentre, learner: String, unit: String, _ pieces: [(method: Attest_V1_EvidenceMethod, criteria: [String])]) throws {
        for (index, piece) in pieces.enumerated() {
            let id = "\(learner)-E\(index + 1)"
            let witness = piece.method == .expertWitnessTestimony ? "line-manager-1" : ""
            try centre.record(.evidenceSubmitted(TestCentre.evidence(
                id, unit: unit, criteria: piece.criteria, method: piece.method, learner: learner, witness: witness)), by: "as1")
            try centre.record(.evidenceAssessed(TestCentre.assessment("\(learner)-AS\(index + 1)", of: id, criteria: piece.criteria)), by: "as1")
        }
        try centre.record(.assessmentSampled(TestCentre.sample("\(learner)-S1", of: "\(learner)-AS1", stage: .summative)), by: "iq1")
    }

    static let performance = (1...10).map { "P\($0)" }
    static let knowledge = (1...10).map { "K\($0)" }

    @Test func anOccupationalStandardCompletesWhenEveryItemIsMet() throws {
        let centre = try centre()
        try assess(centre, learner: "N1", unit: Self.standard, [
            (.observation, Array(Self.performance.prefix(5))),
            (.workProduct, ["P6", "P8"]),
            (.expertWitnessTestimony, ["P7", "P9", "P10"]),
            (.questioning, Array(Self.knowledge.prefix(6))),
            (.professionalDiscussion, ["K7", "K8"]),
            (.writtenOrOnlineTest, ["K9", "K10"]),
        ])
        let before = try #require(try centre.store.transcript(of: "N1"))
        #expect(before.status == "achieved")
        #expect(before.shortfalls.isEmpty)
        #expect(centre.refusal(.certificateClaimed(.with { $0.learnerID = "N1" }), by: "admin") == nil)

        let transcript = try #require(try centre.store.transcript(of: "N1"))
        #expect(transcript.status == "certificated")
        #expect(transcript.credits == nil && transcript.units.isEmpty && transcript.rulesOfCombinationMet == nil)
        #expect(transcript.performanceCriteria?.map(\.id) == Self.performance)
        #expect(transcript.knowledge?.map(\.id) == Self.knowledge)
        #expect(transcript.performanceCriteria?.allSatisfy { $0.status == "met" && $0.kind == "competence" } == true)
        #expect(transcript.knowledge?.allSatisfy { $0.status == "met" && $0.kind == "knowledge" } == true)
        #expect(transcript.performanceCriteria?[7].evidence.map(\.method) == ["work_product"])
        let identity = transcript.specification
        #expect(identity.kind == "occupational_standard")
        #expect(identity.urn == "LSILADD09" && identity.developedBy == "Lifelong Learning UK")
        #expect(identity.supersededUrns == ["A1", "A2"] && identity.suite == "Learning and Development (2010)")
        #expect(identity.approvedOn == "2010-03-31" && identity.publishedVersion == "1" && identity.occupations?.count == 3)
        #expect(transcript.specificationLine.contains("URN LSILADD09"))
        #expect(transcript.achievedAt != nil)
    }

    @Test func aLearnerOneKnowledgeItemShortIsRefusedWithThatItemNamed() throws {
        let centre = try centre()
        try assess(centre, learner: "N1", unit: Self.standard, [
            (.observation, Self.performance),
            (.questioning, Self.knowledge.filter { $0 != "K4" }),
        ])
        let transcript = try #require(try centre.store.transcript(of: "N1"))
        #expect(transcript.status == "in_progress")
        #expect(transcript.shortfalls == ["K4 not met"])
        #expect(transcript.knowledge?.first { $0.id == "K4" }?.status == "not_assessed")
        #expect(centre.refusal(.certificateClaimed(.with { $0.learnerID = "N1" }), by: "admin")
            == "rule certificate-earned: learner N1 has not completed LSILADD09 version 1: K4 not met")
    }

    @Test func aStandaloneUnitCompletesWhenItsCriteriaAreMet() throws {
        let centre = try centre()
        let specification = try Fixtures.specification("A-506-2130-deliver-customer-service")
        let outcomes = specification.units[0].learningOutcomes
        let knowledge = outcomes.filter { $0.kind == .knowledge }.flatMap { $0.criteria.map(\.number) }
        let competence = outcomes.filter { $0.kind == .competence }.flatMap { $0.criteria.map(\.number) }
        #expect(knowledge.count + competence.count == 20)
        try assess(centre, learner: "U1", unit: Self.unit, [
            (.reflectiveAccount, Array(knowledge.prefix(5))),
            (.professionalDiscussion, Array(knowledge.dropFirst(5))),
            (.observation, Array(competence.prefix(6))),
            (.expertWitnessTestimony, Array(competence.dropFirst(6))),
        ])
        let unfinished = try #require(try centre.store.transcript(of: "U1"))
        #expect(unfinished.status == "achieved" && unfinished.shortfalls.isEmpty)
        #expect(centre.refusal(.certificateClaimed(.with { $0.learnerID = "U1" }), by: "admin") == nil)

        let transcript = try #require(try centre.store.transcript(of: "U1"))
        #expect(transcript.status == "certificated")
        #expect(transcript.specification.kind == "standalone_unit")
        #expect(transcript.rulesOfCombinationMet == nil)
        let credits = try #require(transcript.credits)
        #expect([credits.total, credits.required.total] == [5, 5])
        let unit = try #require(transcript.units.first)
        #expect(transcript.units.count == 1 && unit.status == "achieved" && unit.guidedLearningHours == 27 && unit.group == "")
        #expect(unit.criteria.filter { $0.kind == "knowledge" }.map(\.id) == knowledge)
        #expect(unit.criteria.filter { $0.kind == "competence" }.map(\.id) == competence)
    }

    @Test func aStandaloneUnitShortOfACriterionSaysWhich() throws {
        let centre = try centre()
        let criteria = try Fixtures.specification("A-506-2130-deliver-customer-service").units[0].learningOutcomes.flatMap { $0.criteria.map(\.number) }
        try assess(centre, learner: "U1", unit: Self.unit, [(.observation, criteria.filter { $0 != "4.2" && $0 != "5.1" })])
        let transcript = try #require(try centre.store.transcript(of: "U1"))
        #expect(transcript.shortfalls == ["4.2 not met", "5.1 not met"])
        #expect(transcript.credits?.total == 0)
        #expect(centre.refusal(.certificateClaimed(.with { $0.learnerID = "U1" }), by: "admin")
            == "rule certificate-earned: learner U1 has not completed A/506/2130 version 1: 4.2 not met, 5.1 not met")
    }

    @Test func aQualificationShortfallNamesTheCreditsAndUnitsMissing() throws {
        let centre = try TestCentre.standard(projections: CentreStore.reports)
        try centre.recordFullQualification()
        // Revoking the credit transfer of D/506/2119 (3 optional credits) leaves 24 of 27.
        try centre.record(.rplRevoked(.with { $0.rplID = "RPL1"; $0.reason = "the certificate could not be verified" }), by: "a1")
        let transcript = try #require(try centre.store.transcript(of: "L1"))
        #expect(transcript.shortfalls == ["credits 24 of 27", "optional credits 10 of 13"])
        #expect(centre.refusal(.certificateClaimed(.with { $0.learnerID = "L1" }), by: "admin")
            == "rule certificate-earned: learner L1 has not completed 603/4767/3 version 1: credits 24 of 27, optional credits 10 of 13")
        let fresh = try TestCentre.standard(projections: CentreStore.reports)
        let empty = try #require(try fresh.store.transcript(of: "L1"))
        #expect(empty.shortfalls == [
            "credits 0 of 27", "mandatory credits 0 of 14", "optional credits 0 of 13", "unit A/506/2130 not achieved",
            "unit F/506/2131 not achieved", "unit M/617/4417 not achieved", "unit L/506/1788 not achieved",
        ])
    }
}
