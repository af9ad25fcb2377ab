import AttestTesting
import Assessment
import Centre
import EventLog
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
        #expect(AsOf("2025-03-01") == .day(try #require(CalendarDate("2025-03-01"))))
        #expect(AsOf("2025-03-01T12:00:00Z") == .date(Date(timeIntervalSince1970: 1_740_830_400)))
        #expect(AsOf("1200") == .sequence(1200))
        #expect(AsOf("2025-02-30") == nil)
        #expect(AsOf("soon") == nil)
    }

    @Test func aDayEndsAtMidnightInTheCentresTimeZone() throws {
        let day = try #require(AsOf("2025-07-10"))
        let london = day.resolved(in: try #require(TimeZone(identifier: "Europe/London")))
        #expect(london.date == Date(microsecondsSinceEpoch: 1_752_188_399_999_999))
        #expect(london.description == "2025-07-10 (the end of that day in Europe/London, 2025-07-10T22:59:59.999999Z)")
        let newYork = day.resolved(in: try #require(TimeZone(identifier: "America/New_York")))
        #expect(newYork.description == "2025-07-10 (the end of that day in America/New_York, 2025-07-11T03:59:59.999999Z)")
        #expect(AsOf.sequence(1200).resolved(in: .gmt).date == nil)
    }

    @Test func aPointBeforeTheFirstRecordIsNamedNotReportedEmpty() throws {
        let centre = try TestCentre.standard(projections: CentreStore.reports)
        // The store's clock stamped every record after 2025-03-01.
        #expect(throws: EmptyHistory.self) { try centre.store.historyPoint(#require(AsOf("2025-03-01"))) }
        do {
            _ = try centre.store.historyPoint(#require(AsOf("2025-03-01")))
        } catch let empty as EmptyHistory {
            #expect(empty.description == "as of 2025-03-01 (the end of that day in Europe/London, 2025-03-01T23:59:59.999999Z) the log held no records")
        }
        #expect(try centre.store.historyPoint(.sequence(1)).description == "sequence 1")
        #expect(throws: EmptyHistory.self) { try centre.store.historyPoint(.sequence(0)) }
    }
}
