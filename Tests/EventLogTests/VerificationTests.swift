import AttestTesting
import Foundation
import LMDB
import Merkle
import Testing

@testable import EventLog

@Suite struct VerificationTests {
    let directory = TemporaryDirectory("verify")
    var path: String { directory.child("store") }

    /// A store of 200 events in 4 batches; record N's payload holds the marker "note N-1".
    func makeLog() throws -> EventLog {
        let log = try EventLog.create(at: path)
        let events = SampleEvents.notes(200, streams: 7, payloadBytes: 60)
        for batch in stride(from: 0, to: 200, by: 50) { try log.append(Array(events[batch..<batch + 50])) }
        return log
    }

    /// Rewrites record `sequence` through the LMDB API with `change` applied to its bytes.
    func tamper(_ log: EventLog, sequence: UInt64, _ change: (inout [UInt8]) -> Void) throws {
        let records = try log.environment.openDatabase("log")
        let key = BigEndian.bytes(sequence)
        try log.environment.write { txn in
            var bytes = try #require(try txn.get(records, key: key))
            change(&bytes)
            try txn.put(records, key: key, value: bytes)
        }
    }

    func failure(of log: EventLog) throws -> VerificationFailure {
        do {
            _ = try log.verify()
        } catch let failure as VerificationFailure {
            return failure
        }
        Issue.record("the log verified")
        return VerificationFailure(sequence: 0, reason: "")
    }

    @Test func anUntouchedLogVerifies() throws {
        let log = try makeLog()
        let report = try log.verify()
        let head = try log.head()
        #expect(report == VerificationReport(records: 200, chainHash: head.chainHash, merkleRoot: head.merkleRoot))
    }

    @Test func anEmptyLogVerifies() throws {
        let log = try EventLog.create(at: path)
        #expect(try log.verify() == VerificationReport(records: 0, chainHash: .zero, merkleRoot: TreeHash.emptyRoot))
    }

    /// (sequence, offset): offsets from the start (tags, the sequence varint, the event id),
    /// the middle (payload) and the end (inside the previous hash) of first, middle and last records.
    @Test(arguments: [
        (UInt64(1), 0), (1, 1), (1, 4), (1, -1), (57, 2), (57, 30), (57, -20), (100, -40),
        (150, 10), (199, -1), (200, 0), (200, 25), (200, -1), (200, -33),
    ])
    func anyAlteredByteIsFoundAtItsSequence(sequence: UInt64, offset: Int) throws {
        let log = try makeLog()
        try tamper(log, sequence: sequence) { bytes in
            let index = offset >= 0 ? offset : bytes.count + offset
            bytes[index] ^= 0x01
        }
        #expect(try failure(of: log).sequence == sequence)
    }

    @Test func aByteChangedInTheLMDBFileIsFoundAtItsSequence() throws {
        do { _ = try makeLog() }
        let file = path + "/data.mdb"
        var data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        let marker = Array("note 56x".utf8)  // the payload of record 57
        var hits = 0
        for start in 0...(data.count - marker.count) where data[start] == marker[0] {
            if Array(data[start..<start + marker.count]) == marker {
                data[start + 5] ^= 0x01
                hits += 1
            }
        }
        #expect(hits >= 1)
        try Data(data).write(to: URL(fileURLWithPath: file))
        let log = try EventLog(openingAt: path)
        let failure = try failure(of: log)
        #expect(failure.sequence == 57)
        #expect(failure.reason.contains("altered"))
    }

    @Test func aMissingRecordIsNamed() throws {
        let log = try makeLog()
        let records = try log.environment.openDatabase("log")
        try log.environment.write { try $0.delete(records, key: BigEndian.bytes(120)) }
        let failure = try failure(of: log)
        #expect(failure.sequence == 120)
        #expect(failure.reason.contains("missing"))
    }

    @Test func aTruncatedLogIsNamedAtItsFirstMissingRecord() throws {
        let log = try makeLog()
        let records = try log.environment.openDatabase("log")
        try log.environment.write { txn in
            for sequence: UInt64 in 191...200 { try txn.delete(records, key: BigEndian.bytes(sequence)) }
        }
        let failure = try failure(of: log)
        #expect(failure.sequence == 191)
        #expect(failure.reason.contains("the head says the log holds 200 records but 190 are stored"))
    }

    @Test func swappedRecordsAreNamed() throws {
        let log = try makeLog()
        let records = try log.environment.openDatabase("log")
        try log.environment.write { txn in
            let ten = try #require(try txn.get(records, key: BigEndian.bytes(10)))
            let eleven = try #require(try txn.get(records, key: BigEndian.bytes(11)))
            try txn.put(records, key: BigEndian.bytes(10), value: eleven)
            try txn.put(records, key: BigEndian.bytes(11), value: ten)
        }
        #expect(try failure(of: log).sequence == 10)
    }

    @Test func aRewrittenHeadIsCaught() throws {
        let log = try makeLog()
        let meta = try log.environment.openDatabase("meta")
        try log.environment.write { txn in
            var head = try #require(try txn.get(meta, key: Array("head".utf8)))
            head[20] ^= 0xFF
            try txn.put(meta, key: Array("head".utf8), value: head)
        }
        let failure = try failure(of: log)
        #expect(failure.sequence == 200)
        #expect(failure.reason.contains("differs from the head"))
    }

    @Test func progressIsReportedUpToTheEnd() throws {
        let log = try makeLog()
        var last: (UInt64, UInt64) = (0, 0)
        _ = try log.verify { last = ($0, $1) }
        #expect(last == (200, 200))
    }
}
