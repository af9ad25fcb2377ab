import Foundation
import LMDB
import Merkle

extension EventLog {
    /// Calls `body` with the bytes of each stored record from `sequence` on, in key order,
    /// as transaction `txn` sees the log, and a way to peek at the record after it (which
    /// ends the iteration: it is for explaining a failure); `body` returns false to stop.
    /// The bytes are valid only during the call.
    public func readStored<T: ReadableTransaction & ~Copyable>(
        from sequence: UInt64 = 1, in txn: borrowing T,
        _ body: (UnsafeRawBufferPointer, _ following: () throws -> [UInt8]?) throws -> Bool
    ) throws {
        _ = try readStored(after: nil, first: BigEndian.bytes(sequence), through: .max, in: txn, body)
    }

    /// The most records, and (roughly) bytes, that `readStored(from:through:)` reads in one
    /// read transaction.
    public static let snapshotLimit = (records: 4096, bytes: 4 << 20)

    /// Calls `body` with the bytes of each stored record from `sequence` through `last`, in
    /// key order, in a series of short read transactions (at most `snapshotLimit` each)
    /// rather than one: a long read transaction keeps LMDB from reusing the pages that
    /// writers free meanwhile, and the store grows. A stored record is never rewritten, so
    /// each snapshot holds the same bytes for it; `last` is the head the caller read, which
    /// every later snapshot holds. `following` and the return value are as in
    /// `readStored(from:in:_:)`.
    public func readStored(
        from sequence: UInt64 = 1, through last: UInt64,
        _ body: (UnsafeRawBufferPointer, _ following: () throws -> [UInt8]?) throws -> Bool
    ) throws {
        var resume: [UInt8]?
        repeat {
            resume = try environment.read { txn in
                try readStored(after: resume, first: BigEndian.bytes(sequence), through: last, limit: Self.snapshotLimit, in: txn, body)
            }
        } while resume != nil
    }

    /// Reads records as `txn` sees the log, from the first key after `after` (from `first`
    /// when `after` is `nil`) through sequence `last`, until `limit` is reached.
    /// - Returns: the key of the last record read when the limit stopped it, else `nil`.
    private func readStored<T: ReadableTransaction & ~Copyable>(
        after: [UInt8]?, first: [UInt8], through last: UInt64, limit: (records: Int, bytes: Int) = (.max, .max),
        in txn: borrowing T, _ body: (UnsafeRawBufferPointer, _ following: () throws -> [UInt8]?) throws -> Bool
    ) throws -> [UInt8]? {
        try txn.withCursor(log) { cursor in
            // Under LMDB's order (bytes, then shorter first) the key after K is K ‖ 00.
            var entry = try cursor.seek(atLeast: after.map { $0 + [0] } ?? first)
            var records = 0, bytes = 0
            while let (key, value) = entry {
                if let sequence = BigEndian.uint64(key), key.count == 8, sequence > last { return nil }
                var peeked = false
                let more = try body(value) {
                    peeked = true
                    return try cursor.next().map { Array($0.value) }
                }
                guard more, !peeked else { return nil }
                records += 1
                bytes += value.count
                if records >= limit.records || bytes >= limit.bytes { return Array(key) }
                entry = try cursor.next()
            }
            return nil
        }
    }

    /// The sequence of the last record stored as `txn` sees the log (0 when it is empty).
    func lastStoredSequence<T: ReadableTransaction & ~Copyable>(in txn: borrowing T) throws -> UInt64 {
        try txn.withCursor(log) { cursor in try cursor.last().flatMap { BigEndian.uint64($0.key) } ?? 0 }
    }

    /// The chain (leaf) hash of the record at `sequence` as `reader`'s transaction sees the
    /// log, or `nil` beyond the head.
    public func chainHash(at sequence: UInt64, in reader: TransactionReader) throws -> Hash? {
        try reader.get(log, key: BigEndian.bytes(sequence)).map(TreeHash.leaf)
    }
}

extension Record {
    /// The event id as text: a lowercase UUID (hexadecimal when it is not 16 bytes).
    public var eventIDText: String {
        UUID(bytes: eventID)?.uuidString.lowercased() ?? eventID.hexString
    }
}
