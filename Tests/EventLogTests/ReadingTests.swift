import AttestTesting
import Foundation
import Testing

@testable import EventLog

@Suite struct ReadingTests {
    let directory = TemporaryDirectory("reading")

    @Test func readingForwardStartsAtTheGivenSequenceAndCanStop() throws {
        let log = try EventLog.create(at: directory.child("store"))
        try log.append(SampleEvents.notes(50, streams: 3))
        var seen: [UInt64] = []
        try log.read(from: 41) { seen.append($0.record.sequence); return $0.record.sequence < 45 }
        #expect(seen == [41, 42, 43, 44, 45])
    }

    @Test func aFollowerGetsTheRecordsFromItsPositionThenEachAsItIsAppended() async throws {
        let log = try EventLog.create(at: directory.child("store"))
        try log.append(SampleEvents.notes(1500, streams: 7))
        let follower = Task {
            var seen: [UInt64] = []
            for try await logged in log.follow(from: 1200, every: .milliseconds(5)) {
                seen.append(logged.record.sequence)
                if seen.count == 1_000 { break }
            }
            return seen
        }
        // Appended after the follower has caught up with what was there, by another handle on the store.
        try await Task.sleep(for: .milliseconds(50))
        let writer = try EventLog(openingAt: directory.child("store"))
        for _ in 0..<7 { try writer.append(SampleEvents.notes(100, streams: 7)) }
        #expect(try await follower.value == Array(1200..<2200))
    }

    @Test func readingAStreamGivesItsEventsInVersionOrderOnly() throws {
        let log = try EventLog.create(at: directory.child("store"))
        try log.append(SampleEvents.notes(30, streams: 3, prefix: "s"))
        try log.append([SampleEvents.note("s-1x"), SampleEvents.note("s-")])
        var versions: [UInt64] = []
        var sequences: [UInt64] = []
        try log.read(stream: "s-1") {
            #expect($0.record.streamID == "s-1")
            versions.append($0.record.streamVersion)
            sequences.append($0.record.sequence)
            return true
        }
        #expect(versions == Array(1...10))
        #expect(sequences == stride(from: 2, through: 29, by: 3).map(UInt64.init))
    }

    @Test func recordsDecodeWithEveryEnvelopeField() throws {
        let log = try EventLog.create(at: directory.child("store"))
        var draft = SampleEvents.note("learner-9")
        draft.correlationID = .timeOrdered()
        draft.causationID = .timeOrdered()
        draft.schemaVersion = 3
        try log.append([draft], now: { Date(timeIntervalSince1970: 1_800_000_000.25) })
        let record = try #require(try log.record(at: 1))
        #expect(record.eventID == Data(draft.id.bytes))
        #expect(record.streamID == "learner-9")
        #expect(record.streamVersion == 1)
        #expect(record.eventType == "note.added")
        #expect(record.schemaVersion == 3)
        #expect(record.recordedAtMicros == 1_800_000_000_250_000)
        #expect(record.occurredAtMicros == draft.occurredAt.microsecondsSinceEpoch)
        #expect(record.actor == SampleEvents.actor)
        #expect(record.correlationID == Data(draft.correlationID!.bytes))
        #expect(record.causationID == Data(draft.causationID!.bytes))
        #expect(record.payload == draft.payload)
        #expect(try log.record(at: 2) == nil)
    }
}
