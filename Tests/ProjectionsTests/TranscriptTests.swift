import AttestTesting
import Assessment
@testable import Projections
import Centre
import Records
import Simulation
import Testing

@Suite struct TranscriptTests {
    func centre() throws -> TestCentre { try TestCentre.standard(projections: CentreStore.reports) }

    @Test func theScenarioLearnerMeetsTheRulesOfCombinationFigureByFigure() throws {
        let centre = try centre()
        try centre.recordFullQualification()
        let transcript = try #require(try centre.store.transcript(of: "L1"))
        #expect(transcript.qualification == "603/4767/3")
        #expect(transcript.specificationVersion == 1)
        #expect(transcript.status == "achieved")
        #expect(transcript.rulesOfCombinationMet == true)
        let credits = try #require(transcript.credits)
        #expect([credits.total, credits.mandatory, credits.optional] == [27, 14, 13])
        #expect([credits.required.total, credits.required.mandatory, credits.required.optional] == [27, 14, 13])
        let units = Dictionary(uniqueKeysWithValues: transcript.units.map { ($0.unit, $0) })
        #expect(units.count == 23)
        #expect(units["D/506/2119"]?.status == "achieved_by_rpl")
        #expect(units["D/506/2119"]?.criteria.allSatisfy { $0.metBy == "rpl" } == true)
        for (unit, credits) in TestCentre.scenarioUnits where unit != "D/506/2119" {
            #expect(units[unit]?.status == "achieved", "unit \(unit)")
            #expect(units[unit]?.credits == credits)
        }
        #expect(units["A/506/2130"]?.group == "A")
        #expect(units["K/503/0421"]?.group == "B")
        #expect(units["Y/506/2135"]?.status == "not_started")
        let first = try #require(units["A/506/2130"]?.criteria.first)
        #expect(first.status == "met" && first.metBy == "assessment" && first.assessor == "a1")
        #expect(first.evidence.map(\.id) == ["E-A/506/2130"])
        #expect(first.evidence.map(\.method) == ["work_product"])
        #expect(transcript.adjustments.map(\.id) == ["RA1"])
        #expect(transcript.samples.map(\.outcome) == ["disagreed", "agreed"])
        #expect(transcript.achievedAt != nil)
    }

    @Test func aTranscriptNamesTheLearnerAsLastCorrected() throws {
        let centre = try centre()
        #expect(try centre.store.transcript(of: "L1")?.learnerHeading == "L1 Ada Byron")
        try centre.record(.learnerNameCorrected(.with { $0.learnerID = "L1"; $0.givenName = "Ada"; $0.familyName = "Lovelace" }), by: "admin")
        let transcript = try #require(try centre.store.transcript(of: "L1"))
        #expect([transcript.givenName, transcript.familyName] == ["Ada", "Lovelace"])
        #expect(transcript.learnerHeading == "L1 Ada Lovelace")
    }

    @Test func aDisagreedDecisionDoesNotCountUntilRevised() throws {
        let centre = try centre()
        try centre.recordFullQualification(revising: false)
        let transcript = try #require(try centre.store.transcript(of: "L1"))
        let k = try #require(transcript.units.first { $0.unit == "K/503/0421" })
        #expect(k.status == "not_started")
        #expect(k.criteria.allSatisfy { $0.status == "not_assessed" })
        #expect(transcript.credits?.total == 20)
        #expect(transcript.rulesOfCombinationMet == false)
        #expect(transcript.status == "in_progress")
        // The rules were first met when K/503/0421 was assessed, before the sample disagreed.
        #expect(transcript.achievedAt != nil)
    }

    @Test func aCertificateIsClaimedOnlyWhenEarned() throws {
        let unrevised = try centre()
        try unrevised.recordFullQualification(revising: false)
        #expect(unrevised.refusal(.certificateClaimed(.with { $0.learnerID = "L1" }), by: "admin")
            == "rule certificate-earned: learner L1 has not completed 603/4767/3 version 1: credits 20 of 27, optional credits 6 of 13")

        let unsampled = try centre()
        try unsampled.recordFullQualification(summative: false)
        #expect(unsampled.refusal(.certificateClaimed(.with { $0.learnerID = "L1" }), by: "admin")
            == "rule certificate-earned: no summative sample of learner L1's decisions was agreed (0 summative samples recorded)")
        #expect(try unsampled.store.transcript(of: "L1")?.status == "achieved")

        let earned = try centre()
        try earned.recordFullQualification()
        #expect(earned.refusal(.certificateClaimed(.with { $0.learnerID = "L1" }), by: "admin") == nil)
        #expect(try earned.store.transcript(of: "L1")?.status == "certificated")
        #expect(earned.refusal(.certificateClaimed(.with { $0.learnerID = "L1" }), by: "admin")
            == "rule certificate-once: a certificate is already claimed for learner L1")
    }

    /// The rules weigh a claim with their own record of the learner's progress: with no
    /// reports kept, or with the transcripts stale (not kept up to date until rebuilt), an
    /// unearned claim is refused all the same, and the rebuild that follows meets none.
    @Test func anUnearnedClaimIsRefusedWithNoReportsKeptOrTheTranscriptsStale() throws {
        let claim = DomainEvent.certificateClaimed(.with { $0.learnerID = "L1" })
        let unsampled = "rule certificate-earned: no summative sample of learner L1's decisions was agreed (0 summative samples recorded)"

        let bare = try TestCentre.standard()
        try bare.recordFullQualification(summative: false)
        #expect(bare.refusal(claim, by: "admin") == unsampled)

        let kept = try TestCentre.standard()
        try kept.recordFullQualification(summative: false)
        let stale = try TestCentre(reopening: kept, projections: CentreStore.reports)
        #expect(try stale.store.projectionStatus().map(\.status) == [
            .stale(storedVersion: nil, codeVersion: TranscriptProjection().version),
            .stale(storedVersion: nil, codeVersion: AuditProjection().version),
        ])
        #expect(stale.refusal(claim, by: "admin") == unsampled)
        try stale.record(.assessmentSampled(TestCentre.sample("S2", of: "AS-A/506/2130", stage: .summative)), by: "i2")
        #expect(stale.refusal(claim, by: "admin") == nil)
        #expect(stale.refusal(claim, by: "admin") == "rule certificate-once: a certificate is already claimed for learner L1")
        try stale.store.rebuild()
        #expect(try stale.store.transcript(of: "L1")?.status == "certificated")
    }

    @Test func withdrawnEvidenceAndRevokedRPLStopCounting() throws {
        let centre = try centre()
        try centre.recordFullQualification()
        try centre.record(.rplRevoked(.with { $0.rplID = "RPL1"; $0.reason = "certificate not authentic" }), by: "a1")
        try centre.record(.evidenceWithdrawn(.with { $0.evidenceID = "E-F/506/2131"; $0.reason = "malpractice" }), by: "i1")
        let transcript = try #require(try centre.store.transcript(of: "L1"))
        let units = Dictionary(uniqueKeysWithValues: transcript.units.map { ($0.unit, $0) })
        #expect(units["D/506/2119"]?.status == "not_started")
        #expect(units["F/506/2131"]?.status == "not_started")
        #expect(transcript.credits?.total == 22)
        #expect(transcript.rulesOfCombinationMet == false)
        #expect(transcript.achievedAt != nil, "the date the rules were first met stays")
        let records = try Self.records(in: centre)
        #expect(records.contains { $0.0.decisions.contains { $0.evidenceID == "E-F/506/2131" && $0.evidenceWithdrawn } })
        Self.expectMetAsWorkedOutAfresh(records)
    }

    @Test func aRevisionOfOneCriterionKeepsEveryOtherOutcomeOfTheAssessment() throws {
        let centre = try centre()
        let criteria = ["4.1", "4.2", "4.3"]
        try centre.record(.evidenceSubmitted(TestCentre.evidence("E1", criteria: criteria)), by: "a2")
        var decided = TestCentre.assessment("AS1", of: "E1", criteria: criteria)
        decided.decisions[2].outcome = .notYetMet
        try centre.record(.evidenceAssessed(decided), by: "a1")
        try centre.record(.assessmentSampled(TestCentre.sample("S1", of: "AS1", outcome: .disagreed)), by: "i1")
        let awaiting = try #require(try centre.store.transcript(of: "L1")?.units.first { $0.unit == "A/506/2130" })
        #expect(awaiting.criteria.filter { criteria.contains($0.id) }.map(\.status) == ["not_assessed", "not_assessed", "not_assessed"])
        try centre.record(.decisionRevised(.with {
            $0.assessmentID = "AS1"; $0.sampleID = "S1"; $0.rationale = "Agreed with the IQA: 4.2 is not shown"
            $0.decisions = [.with { $0.criterion = "4.2"; $0.outcome = .notYetMet }]
        }), by: "a1")
        let unit = try #require(try centre.store.transcript(of: "L1")?.units.first { $0.unit == "A/506/2130" })
        #expect(unit.criteria.filter { criteria.contains($0.id) }.map(\.status) == ["met", "not_yet_met", "not_yet_met"])
    }

    @Test func aReportTheStoreDoesNotHoldIsRefusedUntilRebuilt() throws {
        let centre = try TestCentre.standard()
        try centre.recordFullQualification()
        let reopened = try CentreStore(openingAt: centre.path, projections: CentreStore.reports)
        #expect(try reopened.projectionStatus().map(\.status) == [
            .stale(storedVersion: nil, codeVersion: TranscriptProjection().version),
            .stale(storedVersion: nil, codeVersion: AuditProjection().version),
        ])
        do {
            _ = try reopened.transcript(of: "L1")
            Issue.record("a stale report was served")
        } catch let stale as StaleProjection {
            #expect(stale.description == "the transcripts report has never been built in this store and this is version \(TranscriptProjection().version): it must be rebuilt from the log before it is read")
        }
        try reopened.rebuild()
        #expect(try reopened.projectionStatus().map(\.status) == [.current, .current])
        #expect(try #require(try reopened.transcript(of: "L1")).rulesOfCombinationMet == true)
        #expect(try reopened.transcript(of: "nobody") == nil)
    }

    @Test func theCriteriaMetKeptWithEachDecisionEqualThoseWorkedOutAfresh() throws {
        let centre = try TestCentre(projections: CentreStore.reports)
        try centre.appendGenerated(learners: 80, seed: 4, batchSize: 500)
        let records = try Self.records(in: centre)
        #expect(records.count == 80)
        // Disagreed samples and withdrawn evidence take criteria back: the cases worked out afresh.
        #expect(records.contains { $0.0.samples.contains { $0.outcome == .disagreed } })
        let evidence = try centre.store.readProjections { try $0.entries(of: "transcripts", prefix: "learner-evidence/") }
        #expect(try evidence.contains { try Attest_V1_EvidenceEntry(serializedBytes: $0.value).withdrawn })
        Self.expectMetAsWorkedOutAfresh(records)
    }

    /// Every learner's record in the transcripts, with their specification.
    static func records(in centre: TestCentre) throws -> [(Attest_V1_LearnerRecord, CompiledSpecification)] {
        try centre.store.readProjections { snapshot in
            try snapshot.entries(of: "transcripts", prefix: "learner/").map { entry in
                let record = try Attest_V1_LearnerRecord(serializedBytes: entry.value)
                return (record, try #require(try snapshot.specification(record.qualification, version: record.specificationVersion)))
            }
        }
    }

    static func expectMetAsWorkedOutAfresh(_ records: [(Attest_V1_LearnerRecord, CompiledSpecification)]) {
        for (record, specification) in records {
            var afresh = record
            afresh.recomputeMet(in: specification)
            #expect(record.met == afresh.met, "learner \(record.learnerID)")
        }
    }

    /// The list of learners says of each what their transcript says: the same status
    /// and qualification, for every learner of a generated centre.
    @Test func eachLearnersStandingIsWhatTheirTranscriptSays() throws {
        let centre = try TestCentre(projections: CentreStore.reports)
        var lines: [String] = []
        try CentreGenerator(learners: 120, seed: 5, specification: centre.specification).generate { lines.append($0) }
        try centre.store.append(lines: lines, batchSize: 500) { _, _ in }
        let transcripts = try centre.store.transcripts()
        let standings = try centre.store.learnerStandings()
        #expect(standings.count == 120)
        #expect(standings.map(\.learner) == transcripts.map(\.learner))
        #expect(standings.map(\.status) == transcripts.map(\.status))
        #expect(standings.map(\.qualification) == transcripts.map(\.qualification))
        #expect(Set(standings.map(\.status)).count >= 3, "a centre with learners in several states")
    }
}
