import AttestTesting
import EventLog
import Foundation
import LMDB
import Testing

/// The centre's time zone, kept in `meta` from the store's creation.
@Suite struct TimeZoneTests {
    let directory = TemporaryDirectory("time-zone")

    @Test func aStoreKeepsTheTimeZoneItWasCreatedIn() throws {
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        _ = try EventLog.create(at: directory.child("new-york"), timeZone: newYork)
        #expect(try EventLog(openingAt: directory.child("new-york")).timeZone() == newYork)
        #expect(try EventLog.create(at: directory.child("default")).timeZone().identifier == "Europe/London")
    }

    @Test func aStoreWithoutOneIsInEuropeLondonAndOneThisSystemDoesNotKnowIsRefused() throws {
        let log = try EventLog.create(at: directory.child("store"), timeZone: try #require(TimeZone(identifier: "Asia/Tokyo")))
        let meta = try log.environment.openDatabase("meta")
        let key = Array("time-zone".utf8)
        try log.environment.write { _ = try $0.delete(meta, key: key) }
        #expect(try log.timeZone().identifier == "Europe/London")
        try log.environment.write { try $0.put(meta, key: key, value: Array("Mars/Olympus_Mons".utf8)) }
        #expect(throws: EventLogError.unknownTimeZone("Mars/Olympus_Mons")) { try log.timeZone() }
    }
}
