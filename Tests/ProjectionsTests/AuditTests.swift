import AttestTesting
import Assessment
import Centre
import Foundation
import Projections
import Testing

@Suite struct AuditTests {
    @Test func theScenarioGivesTheExpectedFigures() throws {
        let centre = try TestCentre.standard(projections: CentreStore.reports)
        try centre.recordFullQualification()
        let audit = try centre.store.audit(on: centre.now)

        let assessors = Dictionary(uniqueKeysWithValues: audit.assessors.map { ($0.id, $0) })
        #expect(Set(assessors.keys) == ["a1", "a2", "d1"])
        let a1 = try #require(assessors["a1"])
        #expect([a1.decisions, a1.learners, a1.sampled, a1.agreed, a1.disagreed] as [Int] == [6, 1, 2, 1, 1])
        #expect(a1.sampleRate == 0.333)
        #expect(a1.units.count == 6)
        #expect(a1.methods == ["work_product"])
        #expect(a1.lastStandardisation == nil)
        #expect(assessors["a2"]?.decisions == 0)

        let iqas = Dictionary(uniqueKeysWithValues: audit.iqas.map { ($0.id, $0) })
        let i1 = try #require(iqas["i1"]), i2 = try #require(iqas["i2"])
        #expect([i1.samples, i1.interim, i1.summative] as [Int] == [1, 1, 0])
        #expect([i2.samples, i2.interim, i2.summative] as [Int] == [1, 0, 1])
        #expect(iqas["d1"]?.samples == 0)

        #expect(audit.units.count == 6)
        #expect(audit.units.filter { $0.sampled == 1 }.map(\.unit).sorted() == ["A/506/2130", "K/503/0421"])
        #expect(audit.methods.map(\.method) == ["work_product"])
        #expect(audit.methods.map(\.decisions) == [6])
        #expect(audit.methods.map(\.sampled) == [2])

        #expect(audit.gaps.assessorsNeverSampled.isEmpty)
        #expect(audit.gaps.unitsNeverSampled == ["F/506/2131", "L/506/1788", "M/617/4417", "T/506/2126"])
        #expect(audit.gaps.methodsNeverSampled.isEmpty)
        #expect(audit.gaps.assessorsNotStandardised == ["a1", "a2", "d1"])
        #expect(audit.gaps.learnersAchievedWithoutSummativeSample.isEmpty)
    }

    @Test func standardisationAndSummativeGapsFollowTheLog() throws {
        let centre = try TestCentre.standard(projections: CentreStore.reports)
        try centre.record(.standardisationRecorded(.with {
            $0.activityID = "ST1"; $0.ledBy = "i1"; $0.participants = ["a1", "a2"]; $0.units = ["A/506/2130"]
            $0.agreedOutcome = "Agreed"
        }), by: "i1")
        try centre.recordFullQualification(summative: false)
        let audit = try centre.store.audit(months: 12, on: centre.now)
        #expect(audit.gaps.assessorsNotStandardised == ["d1"])
        #expect(audit.assessors.first { $0.id == "a1" }?.lastStandardisation != nil)
        #expect(audit.iqas.first { $0.id == "i1" }?.standardisationsLed == 1)
        let muchLater = try centre.store.audit(months: 12, on: centre.now + 400 * 86_400)
        #expect(muchLater.gaps.assessorsNotStandardised == ["a1", "a2", "d1"])
        #expect(audit.gaps.learnersAchievedWithoutSummativeSample == ["L1"])

        try centre.record(.assessmentSampled(TestCentre.sample("S9", of: "AS-M/617/4417", stage: .summative)), by: "i2")
        #expect(try centre.store.audit(on: centre.now).gaps.learnersAchievedWithoutSummativeSample.isEmpty)
    }

    @Test func competenceMetWithoutPerformanceEvidenceIsAGap() throws {
        let centre = try TestCentre.standard(projections: CentreStore.reports)
        // A/506/2130: outcomes 1 and 2 are knowledge, 3 to 5 competence.
        try centre.record(.evidenceSubmitted(TestCentre.evidence("E1", criteria: ["1.1", "3.1", "4.1"], method: .questioning)), by: "a1")
        try centre.record(.evidenceAssessed(TestCentre.assessment("AS1", of: "E1", criteria: ["1.1", "3.1", "4.1"])), by: "a1")
        try centre.record(.evidenceSubmitted(TestCentre.evidence("E2", criteria: ["4.1", "4.2"], method: .professionalDiscussion)), by: "a1")
        var mixed = TestCentre.assessment("AS2", of: "E2", criteria: ["4.1", "4.2"])
        mixed.decisions[1].method = .observation
        try centre.record(.evidenceAssessed(mixed), by: "a1")
        let gaps = try centre.store.audit(on: centre.now).gaps.competenceWithoutPerformanceEvidence
        #expect(gaps.map { [$0.learner, $0.unit, $0.criterion] + $0.methods } == [
            ["L1", "A/506/2130", "3.1", "questioning"],
            ["L1", "A/506/2130", "4.1", "questioning", "professional_discussion"],
        ])
        // An observation of 3.1 and 4.1 closes both.
        try centre.record(.evidenceSubmitted(TestCentre.evidence("E3", criteria: ["3.1", "4.1"], method: .observation)), by: "a1")
        try centre.record(.evidenceAssessed(TestCentre.assessment("AS3", of: "E3", criteria: ["3.1", "4.1"])), by: "a1")
        #expect(try centre.store.audit(on: centre.now).gaps.competenceWithoutPerformanceEvidence.isEmpty)
    }

    @Test func theMonthsAreCountedBackOnTheCentresCalendar() throws {
        // 2025-03-01T03:00Z is still 28 February in New York: a month before is 28 January
        // there (2025-01-29T03:00Z), where in London it is 2025-02-01T03:00Z.
        let auditDate = Date(timeIntervalSince1970: 1_740_798_000)
        let standardised = Date(timeIntervalSince1970: 1_738_238_400)  // 2025-01-30T12:00Z
        for (zone, notStandardised) in [("America/New_York", ["a2", "d1"]), ("Europe/London", ["a1", "a2", "d1"])] {
            let centre = try TestCentre.standard(timeZone: try #require(TimeZone(identifier: zone)), projections: CentreStore.reports)
            try centre.record(.standardisationRecorded(.with {
                $0.activityID = "ST1"; $0.ledBy = "i1"; $0.participants = ["a1"]; $0.units = ["A/506/2130"]
                $0.agreedOutcome = "Agreed"
            }), by: "i1", at: standardised)
            #expect(try centre.store.audit(months: 1, on: auditDate).gaps.assessorsNotStandardised == notStandardised, "\(zone)")
        }
    }
}
