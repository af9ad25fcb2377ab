import AttestTesting
import Assessment
@testable import Centre
import Foundation
import Synchronization
import Projections
import Testing

@Suite struct RebuildTests {
    /// Every transcript and the audit.
    static func reports(_ store: CentreStore) throws -> ([Transcript], Audit) {
        (try store.transcripts(), try store.audit(on: Date(timeIntervalSince1970: 1_800_000_000)))
    }

    @Test func aRebuildGivesTheReportsKeptInline() throws {
        let centre = try TestCentre(projections: CentreStore.reports)
        let events = try centre.appendGenerated(learners: 60, seed: 9, batchSize: 1_000)
        let inline = try Self.reports(centre.store)
        #expect(inline.0.count == 60)
        var seen: [UInt64] = []
        try centre.store.rebuild { done, _ in seen.append(done) }
        #expect(seen.last == UInt64(events))
        #expect(try Self.reports(centre.store) == inline)
        // Appends after a rebuild keep the rebuilt reports, in their new databases.
        try centre.store.rebuild(["transcripts"])
        #expect(try Self.reports(centre.store) == inline)
    }

    @Test func aRebuildThatKeepsFewMessagesDecodedGivesTheSameReports() throws {
        let centre = try TestCentre(projections: CentreStore.reports)
        try centre.appendGenerated(learners: 40, seed: 5, batchSize: 700)
        let inline = try Self.reports(centre.store)
        // Ten messages kept between batches: learner records are written out and read back again and again.
        try centre.store.rebuild([], keeping: 10, batch: 250, progress: nil)
        #expect(try Self.reports(centre.store) == inline)
    }

    @Test func aRebuildWhoseProjectionFailsStopsAndLeavesThePreviousReports() throws {
        let failing = FailingProjection()
        let centre = try TestCentre(projections: CentreStore.reports + [failing])
        try centre.appendGenerated(learners: 30, seed: 3, batchSize: 500)
        let before = try Self.reports(centre.store)
        failing.failAt.withLock { $0 = 1_000 }
        #expect(throws: FailingProjection.Failure.self) { try centre.store.rebuild([], keeping: 100, batch: 200, progress: nil) }
        #expect(try Self.reports(centre.store) == before)
        failing.failAt.withLock { $0 = nil }
        try centre.store.rebuild()
        #expect(try Self.reports(centre.store) == before)
    }

    @Test func anUnknownProjectionIsNamed() throws {
        let centre = try TestCentre(projections: CentreStore.reports)
        #expect(throws: PayloadError.self) { try centre.store.rebuild(["marks"]) }
    }
}

/// A projection that fails at a chosen sequence, for rebuilds that fail half-way.
private final class FailingProjection: Projection, @unchecked Sendable {
    struct Failure: Error {}
    let name = "failing"
    let version: UInt32 = 1
    /// The sequence at which `apply` throws; nil: never.
    let failAt = Mutex<UInt64?>(nil)

    func apply(_ events: [RecordedEvent], to state: ProjectionState) throws {
        let failAt = failAt.withLock { $0 }
        if let failAt, events.contains(where: { $0.sequence >= failAt }) { throw Failure() }
    }
}
