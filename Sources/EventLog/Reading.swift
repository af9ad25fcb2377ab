import Foundation
import LMDB
import Merkle

/// A record as read from the log, with its stored bytes and chain hash.
public struct LoggedRecord: Sendable {
    public let record: Record
    /// The bytes exactly as stored (what the chain and the Merkle tree hash).
    public let bytes: [UInt8]
    /// The record's chain hash (its Merkle leaf hash).
    public var chainHash: Hash { bytes.withUnsafeBytes(ChainHash.of) }

    public init(record: Record, bytes: [UInt8]) {
        self.record = record
        self.bytes = bytes
    }
}

extension EventLog {
    /// Calls `body` with each record from `sequence` on, in order, in one consistent
    /// snapshot; `body` returns false to stop early. Memory stays flat however long the log.
    public func read(from sequence: UInt64 = 1, _ body: (LoggedRecord) throws -> Bool) throws {
        try environment.read { txn in try read(from: sequence, in: txn, body) }
    }

    /// Calls `body` with each record from `sequence` on, as transaction `txn` sees the log.
    public func read<T: ReadableTransaction & ~Copyable>(
        from sequence: UInt64, in txn: borrowing T, _ body: (LoggedRecord) throws -> Bool
    ) throws {
        try txn.withCursor(log) { cursor in
            var entry = try cursor.seek(atLeast: BigEndian.bytes(sequence))
            while let (_, value) = entry {
                let bytes = Array(value)
                guard try body(LoggedRecord(record: Record(serializedBytes: bytes), bytes: bytes)) else { return }
                entry = try cursor.next()
            }
        }
    }

    /// The records from `sequence` on, in order, then each record as it is appended, by
    /// this process or another: once the reader has caught up, the log is looked at again
    /// every `interval`. Records are read a thousand at a time, each thousand in a
    /// snapshot of its own, so a follower never holds one open. The sequence ends when
    /// its task is cancelled, and throws what reading throws.
    public func follow(from sequence: UInt64 = 1, every interval: Duration = .milliseconds(100)) -> AsyncThrowingStream<LoggedRecord, any Error> {
        let reading = FollowedRecords(next: max(1, sequence))
        return AsyncThrowingStream {
            while !Task.isCancelled {
                if let record = reading.take() { return record }
                try self.read(from: reading.next) { record in reading.buffer(record) }
                if reading.isEmpty { try await Task.sleep(for: interval) }
            }
            return nil
        }
    }

    /// Calls `body` with each record of stream `streamID`, in stream order.
    public func read(stream streamID: String, _ body: (LoggedRecord) throws -> Bool) throws {
        let prefix = Array(streamID.utf8) + [0]
        try environment.read { txn in
            try txn.withCursor(streams) { cursor in
                var entry = try cursor.seek(atLeast: Self.streamKey(streamID, 1))
                while let (key, value) = entry, key.starts(with: prefix), key.count == prefix.count + 8 {
                    guard let sequence = BigEndian.uint64(value),
                          let bytes = try txn.get(log, key: BigEndian.bytes(sequence))
                    else { throw EventLogError.corrupt(reason: "stream \(streamID) indexes a missing record") }
                    guard try body(LoggedRecord(record: Record(serializedBytes: bytes), bytes: bytes)) else { return }
                    entry = try cursor.next()
                }
            }
        }
    }

    /// The record at `sequence`, decoded, or `nil` beyond the head.
    public func record(at sequence: UInt64) throws -> Record? {
        try environment.read { try record(at: sequence, in: $0) }
    }

    func record<T: ReadableTransaction & ~Copyable>(at sequence: UInt64, in txn: borrowing T) throws -> Record? {
        try txn.withValue(log, key: BigEndian.bytes(sequence)) { value in
            try value.map { try Record(serializedBytes: Array($0)) }
        }
    }
}

/// What `follow(from:every:)` has read and not yet handed on, used by one task at a time.
private final class FollowedRecords: @unchecked Sendable {
    /// The sequence to read next.
    private(set) var next: UInt64
    private var records: [LoggedRecord] = []
    private var index = 0

    init(next: UInt64) { self.next = next }

    var isEmpty: Bool { index == records.count }

    /// The next record read, if any is left.
    func take() -> LoggedRecord? {
        guard index < records.count else {
            records.removeAll(keepingCapacity: true)
            index = 0
            return nil
        }
        defer { index += 1 }
        return records[index]
    }

    /// Keeps `record`; false once a thousand are kept.
    func buffer(_ record: LoggedRecord) -> Bool {
        records.append(record)
        next = record.record.sequence + 1
        return records.count < 1000
    }
}
