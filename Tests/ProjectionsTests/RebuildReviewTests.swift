import AttestTesting
import Assessment
import Centre
import Foundation
import Projections
import Testing

/// The transcripts report as a new version of its code might keep it: this one forgets
/// approvals of reasonable adjustments, so no adjustment is in force.
struct TranscriptsWithoutApprovals: Projection {
    let name = TranscriptProjection().name
    let version: UInt32 = 99

    func apply(_ events: [RecordedEvent], to state: ProjectionState) throws {
        try TranscriptProjection().apply(events.filter { if case .adjustmentApproved = $0.event { false } else { true } }, to: state)
    }
}

/// The audit as a new version of its code might keep it: this one forgets standardisation.
struct AuditWithoutStandardisation: Projection {
    let name = AuditProjection().name
    let version: UInt32 = 99

    func apply(_ events: [RecordedEvent], to state: ProjectionState) throws {
        try AuditProjection().apply(events.filter { if case .standardisationRecorded = $0.event { false } else { true } }, to: state)
    }
}

/// `reviewRebuild`: what a rebuild would change, without writing a byte.
@Suite struct RebuildReviewTests {
    static let auditDate = Date(timeIntervalSince1970: 1_800_000_000)

    static func centre(learners: Int) throws -> TestCentre {
        let centre = try TestCentre(projections: CentreStore.reports)
        try centre.appendGenerated(learners: learners, seed: 2, batchSize: 1_000)
        return centre
    }

    @Test func aCurrentStoreHasNothingToChange() throws {
        let centre = try Self.centre(learners: 20)
        let review = try centre.store.reviewRebuild(auditOn: Self.auditDate)
        #expect(review.changesNothing)
        #expect(review.learners == 20)
        #expect(review.transcripts == [] && review.audit == [])
        #expect(review.reports.map(\.name) == ["transcripts", "audit"])
        #expect(review.reports.allSatisfy { $0.storedVersion == $0.codeVersion })
    }

    @Test func aReportVersionChangeListsExactlyTheTranscriptsThatChangeAndWritesNothing() throws {
        let centre = try Self.centre(learners: 60)
        let inline = try centre.store.transcripts()
        // The learners with an adjustment in force: the only ones the new version reports differently.
        let expected = inline.filter { !$0.adjustments.isEmpty }
        #expect(!expected.isEmpty && expected.count < inline.count)

        let file = centre.path + "/data.mdb"
        let before = try Fixtures.sha256(ofFile: file)
        let upgraded = try CentreStore(openingAt: centre.path, projections: [TranscriptsWithoutApprovals(), AuditProjection()])
        #expect(throws: StaleProjection.self) { try upgraded.transcripts() }
        let review = try upgraded.reviewRebuild(["transcripts"])
        #expect(review.reports == [.init(name: "transcripts", storedVersion: TranscriptProjection().version, codeVersion: 99)])
        #expect(review.audit == nil, "only the transcripts were reviewed")
        #expect(review.learners == 60)
        let changed = try #require(review.transcripts)
        #expect(changed.map(\.learner) == expected.map(\.learner))
        for (learner, transcript) in zip(changed, expected) {
            // Figure by figure: each adjustment that was in force, and nothing else.
            #expect(learner.areas == ["adjustments"])
            #expect(learner.changes.map(\.figure) == transcript.adjustments.map { "adjustments[\($0.id)]" })
            #expect(learner.changes.allSatisfy { $0.stored != nil && $0.rebuilt == nil })
        }
        #expect(try Fixtures.sha256(ofFile: file) == before, "the review wrote to the store")

        // The rebuild itself swaps the new version in; after it there is nothing to review.
        try upgraded.rebuild(["transcripts"])
        #expect(try upgraded.transcripts().map(\.learner) == inline.map(\.learner))
        #expect(try upgraded.reviewRebuild(["transcripts"]).changesNothing)
        #expect(try Fixtures.sha256(ofFile: file) != before)
    }

    @Test func anAuditVersionChangeIsListedFigureByFigure() throws {
        let centre = try Self.centre(learners: 20)
        let stored = try centre.store.audit(on: Self.auditDate)
        let leads = stored.iqas.filter { $0.standardisationsLed > 0 }
        #expect(!leads.isEmpty)
        let upgraded = try CentreStore(openingAt: centre.path, projections: [TranscriptProjection(), AuditWithoutStandardisation()])
        let review = try upgraded.reviewRebuild(["audit"], auditOn: Self.auditDate)
        #expect(review.transcripts == nil && review.learners == 0)
        let changes = try #require(review.audit)
        for lead in leads {
            #expect(changes.contains(.init(figure: "iqas[\(lead.id)].standardisationsLed", stored: "\(lead.standardisationsLed)", rebuilt: "0")))
        }
        for assessor in stored.assessors where assessor.lastStandardisation != nil {
            #expect(changes.contains(.init(figure: "assessors[\(assessor.id)].lastStandardisation", stored: assessor.lastStandardisation, rebuilt: nil)))
        }
        // Nothing but standardisation, and the gap it leaves, changes.
        #expect(changes.allSatisfy {
            $0.figure.hasSuffix(".standardisationsLed") || $0.figure.hasSuffix(".lastStandardisation")
                || $0.figure == "gaps.assessorsNotStandardised"
        })
    }

    @Test func aReportTheStoreDoesNotKeepIsNamed() throws {
        let centre = try TestCentre(projections: CentreStore.reports)
        #expect(throws: PayloadError.self) { try centre.store.reviewRebuild(["marks"]) }
    }
}
