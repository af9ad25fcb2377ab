import AttestTesting
import Assessment
import Foundation
import Projections
import Simulation
import Testing

@Suite struct AsOfTests {
    @Test func asOfASequenceEqualsAStoreHoldingOnlyThatMuchOfTheLog() throws {
        var lines: [String] = []
        try CentreGenerator(learners: 20, seed: 3, specification: Qualifications.customerServiceLevel2).generate { lines.append($0) }
        let whole = try TestCentre(projections: CentreStore.reports)
        try whole.store.append(lines: lines, batchSize: 1_000) { _, _ in }
        for cut in [lines.count / 3, lines.count / 2] {
            let part = try TestCentre(projections: CentreStore.reports)
            try part.store.append(lines: lines.prefix(cut), batchSize: 1_000) { _, _ in }
            let date = Date(timeIntervalSince1970: 1_800_000_000)
            let replayed = try whole.store.transcripts(asOf: .sequence(UInt64(cut)))
            #expect(replayed.count > 5)
            #expect(replayed == (try part.store.transcripts()))
            #expect(try whole.store.audit(on: date, asOf: .sequence(UInt64(cut))) == part.store.audit(on: date))
        }
        // As of the head, the replay agrees with the reports kept inline.
        let head = AsOf.sequence(try whole.store.log.head().sequence)
        #expect(try whole.store.transcripts(asOf: head) == whole.store.transcripts())
    }

    @Test func asOfADateReplaysWhatTheStoreHadRecordedByThen() throws {
        let centre = try TestCentre.standard(projections: CentreStore.reports)
        let before = Date()
        Thread.sleep(forTimeInterval: 0.01)
        try centre.recordFullQualification()
        #expect(try centre.store.transcript(of: "L1", asOf: .date(before))?.credits?.total == 0)
        #expect(try centre.store.transcript(of: "L1", asOf: .date(Date()))?.credits?.total == 27)
        #expect(AsOf("2025-03-01") == .date(Date(timeIntervalSince1970: 1_740_873_599.999999)))
        #expect(AsOf("1200") == .sequence(1200))
        #expect(AsOf("soon") == nil)
    }
}
