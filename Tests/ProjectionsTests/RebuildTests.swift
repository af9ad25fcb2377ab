import AttestTesting
import Assessment
import Foundation
import Projections
import Simulation
import Testing

@Suite struct RebuildTests {
    /// Every transcript and the audit, as JSON, from one snapshot.
    static func reports(_ store: CentreStore, learners: [String]) throws -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        return try learners.map { String(decoding: try encoder.encode(try store.transcript(of: $0)), as: UTF8.self) }
            + [String(decoding: try encoder.encode(try store.audit(on: date)), as: UTF8.self)]
    }

    @Test func aRebuildGivesTheReportsKeptInline() throws {
        let centre = try TestCentre(projections: CentreStore.reports)
        var lines: [String] = []
        try CentreGenerator(learners: 60, seed: 9, specification: centre.specification).generate { lines.append($0) }
        try centre.store.append(lines: lines, batchSize: 1_000) { _, _ in }
        let learners = (0..<60).map { String(1_000_000_000 + $0) }
        let inline = try Self.reports(centre.store, learners: learners)
        var seen: [UInt64] = []
        try centre.store.rebuild { done, _ in seen.append(done) }
        #expect(seen.last == UInt64(lines.count))
        #expect(try Self.reports(centre.store, learners: learners) == inline)
        // Appends after a rebuild keep the rebuilt reports, in their new databases.
        try centre.store.rebuild(["transcripts"])
        #expect(try Self.reports(centre.store, learners: learners) == inline)
    }

    @Test func anUnknownProjectionIsNamed() throws {
        let centre = try TestCentre(projections: CentreStore.reports)
        #expect(throws: PayloadError.self) { try centre.store.rebuild(["marks"]) }
    }
}
