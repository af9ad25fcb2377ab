import AttestTesting
import Assessment
import Centre
import Foundation
@testable import Projections
import Testing

/// The learners' gaps the transcripts projection keeps give the audit worked out the way it
/// was before they were kept: from every learner's record, here as their transcripts show it.
@Suite struct LearnerGapsTests {
    static let date = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
    static let performance: Set = ["observation", "witness_testimony", "expert_witness_testimony", "work_product", "simulation"]

    /// The audit's two learner gaps as every learner's transcript shows them, learners in natural order.
    static func gaps(of transcripts: [Transcript]) -> (withoutSummative: [String], competence: [Audit.CompetenceGap]) {
        var competence: [Audit.CompetenceGap] = []
        let learners = transcripts.naturallySorted(by: \.learner)
        for transcript in learners {
            let criteria = transcript.units.flatMap { unit in unit.criteria.map { (unit.unit, $0) } }
                + (transcript.performanceCriteria ?? []).map { (transcript.qualification, $0) }
            for (unit, criterion) in criteria where criterion.kind == "competence" && criterion.metBy == "assessment" {
                let methods = criterion.evidence.map(\.method)
                guard !methods.contains(where: performance.contains) else { continue }
                var names: [String] = []
                for method in methods where !names.contains(method) { names.append(method) }
                competence.append(.init(learner: transcript.learner, unit: unit, criterion: criterion.id, methods: names))
            }
        }
        let withoutSummative = learners.filter { transcript in
            transcript.isComplete && !transcript.samples.contains { $0.stage == "summative" }
        }.map(\.learner)
        return (withoutSummative, competence)
    }

    @Test func theKeptGapsAreThoseOfEveryTranscript() throws {
        let centre = try TestCentre(projections: CentreStore.reports)
        let events = try centre.appendGenerated(learners: 120, seed: 5, batchSize: 97)
        let audit = try centre.store.audit(on: Self.date)
        let expected = Self.gaps(of: try centre.store.transcripts())
        #expect(!expected.withoutSummative.isEmpty && !expected.competence.isEmpty)
        #expect(audit.gaps.learnersAchievedWithoutSummativeSample == expected.withoutSummative)
        #expect(audit.gaps.competenceWithoutPerformanceEvidence == expected.competence)
        // As a review of a rebuild works them out for a report that keeps none.
        #expect(audit == (try centre.store.read(asOf: nil) { try Audit(snapshot: $0, months: 12, on: Self.date, gapsFromRecords: true) }))

        for point in [events / 5, events / 2, events - 3].map({ AsOf.sequence(UInt64($0)) }) {
            let replayed = try centre.store.audit(on: Self.date, asOf: point)
            let expected = Self.gaps(of: try centre.store.transcripts(asOf: point))
            #expect(replayed.gaps.learnersAchievedWithoutSummativeSample == expected.withoutSummative, "\(point)")
            #expect(replayed.gaps.competenceWithoutPerformanceEvidence == expected.competence, "\(point)")
        }

        // Kept a batch of 97 events at a time, or rebuilt 20,000 at a time: the same entries,
        // none left behind for a learner whose gaps closed.
        let inline = try centre.store.readProjections { try $0.reportEntries(of: "transcripts") }
        try centre.store.rebuild()
        let rebuilt = try centre.store.readProjections { try $0.reportEntries(of: "transcripts") }
        #expect(inline.map(\.key) == rebuilt.map(\.key))
        #expect(inline.map(\.value) == rebuilt.map(\.value))
    }

    @Test func aLearnersGapsGoWhenTheyClose() throws {
        let centre = try TestCentre.standard(projections: CentreStore.reports)
        let gaps = { try centre.store.readProjections { try $0.entries(of: "transcripts", prefix: "gaps/").map(\.key) } }
        try centre.recordFullQualification(summative: false)
        #expect(try gaps() == ["gaps/L1"])
        try centre.record(.assessmentSampled(TestCentre.sample("S9", of: "AS-M/617/4417", stage: .summative)), by: "i2")
        #expect(try gaps() == [])
    }
}
