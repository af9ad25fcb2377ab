import AttestTesting
import Assessment
import Centre
import EventLog
import Foundation
import Projections
import Records
import Simulation
import Testing

/// A store holding version 1 and version 2 records of the same types reports the same as
/// a store holding the same facts written at version 2 only.
@Suite struct MixedSchemaVersionTests {
    /// A generated centre with no ULNs, at version 2 only and with every other record that
    /// version 1 can express (a registration; an assessment naming no method per criterion
    /// and the same adjustments on each) written as version 1.
    static func centres(learners: Int, specification: Attest_V1_Specification) throws
        -> (current: [String], mixed: [String], downgraded: [String: Int])
    {
        var lines: [String] = []
        try CentreGenerator(learners: learners, seed: 4, specification: specification).generate { lines.append($0) }
        var current: [String] = []
        var mixed: [String] = []
        var downgraded: [String: Int] = [:]
        var expressible = 0
        for line in lines {
            let line = try Version1Lines.withVersion1Facts(line, keepingMethods: true)
            current.append(line)
            if let old = try Version1Lines.version1(line) {
                expressible += 1
                if expressible % 2 == 0 {
                    let type = old.contains(#""type":"learner.registered""#) ? "learner.registered" : "evidence.assessed"
                    downgraded[type, default: 0] += 1
                    mixed.append(old)
                    continue
                }
            }
            mixed.append(line)
        }
        return (current, mixed, downgraded)
    }

    @Test func mixedVersionsReportAsTheCurrentVersionAlone() throws {
        let current = try TestCentre(projections: CentreStore.reports)
        let mixed = try TestCentre(projections: CentreStore.reports)
        let (currentLines, mixedLines, downgraded) = try Self.centres(learners: 40, specification: current.specification)
        #expect((downgraded["learner.registered"] ?? 0) > 10)
        #expect((downgraded["evidence.assessed"] ?? 0) > 100)
        #expect(currentLines.contains { $0.contains(#""method":"QUESTIONING""#) }, "some criteria name their own method")
        try current.store.append(lines: currentLines, batchSize: 1_000) { _, _ in }
        try mixed.store.append(lines: mixedLines, batchSize: 1_000) { _, _ in }

        var versions: [String: Set<UInt32>] = [:]
        try mixed.store.log.read { versions[$0.record.eventType, default: []].insert($0.record.schemaVersion); return true }
        #expect(versions["evidence.assessed"] == [1, 2])
        #expect(versions["learner.registered"] == [1, 2])

        let date = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try mixed.store.transcripts() == current.store.transcripts())
        #expect(try mixed.store.audit(on: date) == current.store.audit(on: date))
        // Replayed from the log, through the upcasters, they agree too.
        try mixed.store.rebuild()
        #expect(try mixed.store.transcripts() == current.store.transcripts())
        #expect(try mixed.store.audit(on: date) == current.store.audit(on: date))
    }
}
