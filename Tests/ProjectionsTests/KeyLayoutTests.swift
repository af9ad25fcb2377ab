import AttestTesting
import Assessment
@testable import Centre
import LMDB
@testable import Projections
import Testing

/// Every key the rules and the reports write belongs to one table of their key layouts
/// (`EntityKind`, `TranscriptKeys`, `AuditKeys`), and every table is written, on a
/// generated centre with staff accounts.
@Suite struct KeyLayoutTests {
    @Test func everyStoredKeyIsInOneTableAndEveryTableIsWritten() throws {
        let centre = try TestCentre(projections: CentreStore.reports)
        try centre.appendGenerated(learners: 300, seed: 7, batchSize: 1_000)
        try centre.record(.accountOpened(.with { $0.staffID = "admin-1" }), by: "admin-1")
        try centre.record(.tokenIssued(.with { $0.tokenID = "T1"; $0.staffID = "admin-1"; $0.expiresAt = "2099-01-01T00:00:00Z" }), by: "admin-1")
        let store = centre.store

        let rulesKeys = try store.log.environment.read { txn in
            try txn.withReader { try $0.entries(store.state, prefix: []).map { String(decoding: $0.key, as: UTF8.self) } }
        }
        var kinds: Set<EntityKind> = []
        for key in rulesKeys where key != EntityKind.anyStaffKey {
            let matching = EntityKind.allCases.filter { key.hasPrefix($0.prefix) }
            #expect(matching.count == 1, "rules-state \(key)")
            kinds.formUnion(matching)
        }
        #expect(rulesKeys.contains(EntityKind.anyStaffKey))
        #expect(Set(EntityKind.allCases).subtracting(kinds).isEmpty, "kinds never written: \(Set(EntityKind.allCases).subtracting(kinds))")

        for (report, tables) in [(TranscriptProjection().name, ReportTable.transcripts), (AuditProjection().name, ReportTable.audit)] {
            let keys = try store.readProjections { try $0.entries(of: report, prefix: "").map(\.key) }
            var written: Set<String> = []
            for key in keys where key != CentreStore.checkpointKey {
                let matching = tables.filter { key.hasPrefix($0.prefix) }
                #expect(matching.count == 1, "\(report) \(key)")
                #expect(ReportTable.of(key)?.prefix == matching.first?.prefix, "\(report) \(key)")
                written.formUnion(matching.map(\.prefix))
            }
            #expect(Set(tables.map(\.prefix)).subtracting(written).isEmpty, "\(report): tables never written: \(Set(tables.map(\.prefix)).subtracting(written))")
        }
    }
}
