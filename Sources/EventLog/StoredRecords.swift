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
        try txn.withCursor(log) { cursor in
            var entry = try cursor.seek(atLeast: BigEndian.bytes(sequence))
            while let (_, value) = entry {
                var peeked = false
                let more = try body(value) {
                    peeked = true
                    return try cursor.next().map { Array($0.value) }
                }
                guard more, !peeked else { return }
                entry = try cursor.next()
            }
        }
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
