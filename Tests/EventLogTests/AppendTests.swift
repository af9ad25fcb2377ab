import AttestTesting
import Foundation
import LMDB
import Merkle
import Synchronization
import Testing

@testable import EventLog

@Suite struct AppendTests {
    let directory = TemporaryDirectory("append")

    func makeLog() throws -> EventLog { try EventLog.create(at: directory.child("store")) }

    @Test func sequencesStartAtOneAndStreamVersionsCountPerStream() throws {
        let log = try makeLog()
        let appended = try log.append([
            SampleEvents.note("a"), SampleEvents.note("b"), SampleEvents.note("a"),
        ])
        #expect(appended.map(\.sequence) == [1, 2, 3])
        #expect(appended.map(\.streamVersion) == [1, 1, 2])
        #expect(appended.allSatisfy { !$0.duplicate })
        let next = try log.append([SampleEvents.note("b")])
        #expect(next.map(\.sequence) == [4])
        #expect(next.map(\.streamVersion) == [2])
        #expect(try log.head().sequence == 4)
    }

    @Test func anExpectedVersionThatDiffersIsRefusedNamingBoth() throws {
        let log = try makeLog()
        try log.append([SampleEvents.note("a"), SampleEvents.note("a")])
        #expect(throws: EventLogError.versionConflict(index: 1, stream: "a", expected: 1, actual: 2)) {
            try log.append([SampleEvents.note("b"), SampleEvents.note("a", expectedVersion: 1)])
        }
        #expect(
            EventLogError.versionConflict(index: 1, stream: "a", expected: 1, actual: 2).description
                == "stream a is at version 2, expected 1")
        #expect(try log.head().sequence == 2)
        #expect(try log.append([SampleEvents.note("a", expectedVersion: 2)]).first?.streamVersion == 3)
        #expect(try log.append([SampleEvents.note("new", expectedVersion: 0)]).first?.streamVersion == 1)
    }

    @Test func expectedVersionsFollowEarlierEventsOfTheSameBatch() throws {
        let log = try makeLog()
        let appended = try log.append([
            SampleEvents.note("a", expectedVersion: 0), SampleEvents.note("a", expectedVersion: 1),
        ])
        #expect(appended.map(\.streamVersion) == [1, 2])
    }

    @Test func aBatchWithOneBadEventAppendsNothing() throws {
        let log = try makeLog()
        try log.append([SampleEvents.note("a")])
        let before = try log.head()
        var bad = SampleEvents.note("b")
        bad.streamID = ""
        #expect(throws: EventLogError.invalidEvent(index: 2, reason: "stream is empty")) {
            try log.append([SampleEvents.note("a"), SampleEvents.note("c"), bad])
        }
        #expect(try log.head() == before)
        var streamless = 0
        try log.read(stream: "c") { _ in streamless += 1; return true }
        #expect(streamless == 0)
    }

    @Test func draftsThatCannotBeStoredAreRefusedWithTheReason() throws {
        let log = try makeLog()
        func refusal(_ change: (inout EventDraft) -> Void) -> String? {
            var draft = SampleEvents.note()
            change(&draft)
            do {
                try log.append([draft])
            } catch let error as EventLogError {
                return error.description
            } catch {}
            return nil
        }
        #expect(refusal { $0.streamID = String(repeating: "s", count: 256) } == "stream is longer than 255 bytes")
        #expect(refusal { $0.streamID = "a\u{0}b" } == "stream contains a NUL character")
        #expect(refusal { $0.eventType = "" } == "type is empty")
        #expect(refusal { $0.schemaVersion = 0 } == "schema version must be 1 or more")
        #expect(refusal { $0.actor.id = "" } == "actor id is empty")
        #expect(try log.head().sequence == 0)
    }

    @Test func theSameIdWithTheSameContentIsAppendedOnce() throws {
        let log = try makeLog()
        let event = SampleEvents.note("a")
        let first = try log.append([event])
        let again = try log.append([SampleEvents.note("b"), event])
        #expect(again[1] == Appended(sequence: first[0].sequence, streamVersion: 1, duplicate: true))
        #expect(try log.head().sequence == 2)
        let twiceInOneBatch = try log.append([SampleEvents.note("c")].flatMap { [$0, $0] })
        #expect(twiceInOneBatch[0].sequence == twiceInOneBatch[1].sequence)
        #expect(twiceInOneBatch[1].duplicate)
        #expect(try log.head().sequence == 3)
    }

    @Test func theSameIdWithOtherContentIsRefused() throws {
        let log = try makeLog()
        let id = UUID.timeOrdered()
        try log.append([SampleEvents.note("a", text: "first", id: id)])
        #expect(throws: EventLogError.idConflict(index: 0, id: id, sequence: 1)) {
            try log.append([SampleEvents.note("a", text: "second", id: id)])
        }
        #expect(throws: EventLogError.idConflict(index: 1, id: id, sequence: 1)) {
            try log.append([SampleEvents.note("z", id: .timeOrdered()), SampleEvents.note("a", text: "second", id: id)])
        }
        #expect(try log.head().sequence == 1)
    }

    @Test func recordedAtNeverGoesBackwards() throws {
        let log = try makeLog()
        try log.append([SampleEvents.note()], now: { Date(timeIntervalSince1970: 2_000_000_000) })
        try log.append([SampleEvents.note()], now: { Date(timeIntervalSince1970: 1_000_000_000) })
        let times = [try log.record(at: 1)!.recordedAtMicros, try log.record(at: 2)!.recordedAtMicros]
        #expect(times == [2_000_000_000_000_000, 2_000_000_000_000_000])
    }

    @Test func theHeadCarriesTheLastChainHashAndTheMerkleRootOfAllRecords() throws {
        let log = try makeLog()
        for _ in 0..<5 { try log.append(SampleEvents.notes(7)) }
        var leaves: [Hash] = []
        try log.read { leaves.append($0.chainHash); return true }
        let head = try log.head()
        #expect(head.sequence == 35)
        #expect(head.chainHash == leaves.last)
        #expect(head.merkleRoot == Proof.root(of: 0..<35) { leaves[Int($0)] })
    }

    @Test func eachRecordCarriesThePreviousChainHash() throws {
        let log = try makeLog()
        try log.append(SampleEvents.notes(20))
        var previous = ChainHash.genesis
        try log.read { entry in
            #expect(Hash(bytes: entry.record.previousHash) == previous)
            previous = entry.chainHash
            return true
        }
    }

    @Test func timeOrderedIdsSortInCreationOrder() {
        let early = UUID.timeOrdered(at: Date(timeIntervalSince1970: 1_000))
        let late = UUID.timeOrdered(at: Date(timeIntervalSince1970: 2_000))
        #expect(early.bytes.lexicographicallyPrecedes(late.bytes))
        #expect(early.bytes[6] >> 4 == 7)
        #expect(early.bytes[8] >> 6 == 0b10)
    }

    @Test func timeOrderedIdsMadeWithinAMillisecondSortInCreationOrder() {
        let ids = (0..<10_000).map { _ in UUID.timeOrdered() }
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $0.bytes.lexicographicallyPrecedes($1.bytes) })
        #expect(ids.allSatisfy { $0.bytes[6] >> 4 == 7 && $0.bytes[8] >> 6 == 0b10 })
    }

    @Test func timeOrderedIdsMadeOnSeveralThreadsAtOnceSortInEachThreadsOrder() {
        let threads = 4
        let sorted = Mutex([Bool](repeating: false, count: threads))
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let ids = (0..<20_000).map { _ in UUID.timeOrdered() }
            let inOrder = zip(ids, ids.dropFirst()).allSatisfy { $0.bytes.lexicographicallyPrecedes($1.bytes) }
            sorted.withLock { $0[thread] = inOrder }
        }
        #expect(sorted.withLock { $0 } == [Bool](repeating: true, count: threads))
    }

    @Test func creatingOverAStoreAndOpeningANonStoreAreRefused() throws {
        _ = try makeLog()
        #expect(throws: EventLogError.alreadyAStore(path: directory.child("store"))) { try makeLog() }
        #expect(throws: EventLogError.notAStore(path: directory.child("nothing"))) {
            try EventLog(openingAt: directory.child("nothing"))
        }
    }
}
