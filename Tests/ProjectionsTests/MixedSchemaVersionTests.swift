import AttestTesting
import Assessment
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
    /// and the same adjustments on each) rewritten as version 1.
    static func centres(learners: Int, specification: Attest_V1_Specification) throws
        -> (current: [String], mixed: [String], downgraded: [String: Int])
    {
        var lines: [String] = []
        try CentreGenerator(learners: learners, seed: 4, specification: specification).generate { lines.append($0) }
        var current: [String] = []
        var mixed: [String] = []
        var downgraded: [String: Int] = [:]
        var seen: [String: Int] = [:]
        for line in lines {
            var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let type = object["type"] as? String ?? ""
            var payload = object["payload"] as? [String: Any] ?? [:]
            var old: [String: Any]?
            switch type {
            case "learner.registered":
                payload["uln"] = nil
                old = payload
            case "evidence.assessed":
                let decisions = payload["decisions"] as? [[String: Any]] ?? []
                let adjustments = Set(decisions.map { $0["adjustmentsApplied"] as? [String] ?? [] })
                if decisions.allSatisfy({ $0["method"] == nil }), adjustments.count == 1 {
                    var v1 = payload
                    v1["decisions"] = decisions.map { decision in decision.filter { $0.key != "adjustmentsApplied" } }
                    if let list = adjustments.first, !list.isEmpty { v1["adjustmentsApplied"] = list }
                    old = v1
                }
            default: break
            }
            object["payload"] = payload
            current.append(try Self.line(object))
            seen[type, default: 0] += 1
            if let old, seen[type]! % 2 == 0 {
                object["payload"] = old
                object["schemaVersion"] = 1
                downgraded[type, default: 0] += 1
            }
            mixed.append(try Self.line(object))
        }
        return (current, mixed, downgraded)
    }

    static func line(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }

    @Test func mixedVersionsReportAsTheCurrentVersionAlone() throws {
        let current = try TestCentre(projections: CentreStore.reports)
        let mixed = try TestCentre(projections: CentreStore.reports)
        let (currentLines, mixedLines, downgraded) = try Self.centres(learners: 40, specification: current.specification)
        #expect(downgraded["learner.registered"] == 20)
        #expect((downgraded["evidence.assessed"] ?? 0) > 100)
        #expect(currentLines.contains { $0.contains(#""method":"QUESTIONING","outcome""#) }, "some criteria name their own method")
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
