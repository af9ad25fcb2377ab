import Foundation
import LMDB
import Merkle

extension EventLog {
    /// Appends `drafts` atomically: all of them in one write transaction, or none.
    ///
    /// An event whose id is already in the log (or earlier in the batch) with the same
    /// content is not appended again; its original position is returned. The event-id
    /// index is written first, with `MDB_NOOVERWRITE`, so a new id costs one insert. Index
    /// keys that sort last (store-made, time-ordered ids; a stream that sorts last) are
    /// appended, which keeps the index pages full and skips the search.
    ///
    /// `validate` is called, inside the write transaction, for each event about to be
    /// appended (not for idempotent repeats), in batch order, and `complete` once after
    /// the last: both may read and write their own databases through the transaction,
    /// and a throw refuses the whole batch.
    /// - Throws: `EventLogError.invalidEvent`, `.versionConflict` or `.idConflict`
    ///   naming the event's index in the batch, or what `validate` threw; nothing is appended.
    @discardableResult
    public func append(
        _ drafts: [EventDraft], now: () -> Date = Date.init,
        validate: ((borrowing WriteTransaction, AppendingEvent) throws -> Void)? = nil,
        complete: ((borrowing WriteTransaction) throws -> Void)? = nil
    ) throws -> [Appended] {
        try environment.write { txn in
            var state = try HeadState(txn, self)
            let recordedAt = max(now().microsecondsSinceEpoch, state.recordedAtMicros)
            var versions: [String: UInt64] = [:]
            var results: [Appended] = []
            results.reserveCapacity(drafts.count)
            var encoder = RecordEncoder()
            var lastID = try lastKey(eventIDs, in: txn)
            var lastStreamKey = try lastKey(streams, in: txn)

            for (index, draft) in drafts.enumerated() {
                if let problem = draft.problem() {
                    throw EventLogError.invalidEvent(index: index, reason: problem)
                }
                let sequenceKey = BigEndian.bytes(state.sequence + 1)
                do {
                    try Self.insert(eventIDs, key: draft.id.bytes, value: sequenceKey, after: &lastID, in: txn)
                } catch LMDBError.keyExists {
                    results.append(try original(of: draft, in: txn, index: index))
                    continue
                }
                let current = try versions[draft.streamID] ?? streamVersion(draft.streamID, in: txn)
                if let expected = draft.expectedVersion, expected != current {
                    throw EventLogError.versionConflict(
                        index: index, stream: draft.streamID, expected: expected, actual: current)
                }
                let appended = Appended(sequence: state.sequence + 1, streamVersion: current + 1, duplicate: false)
                try validate?(txn, AppendingEvent(
                    index: index, draft: draft, sequence: appended.sequence,
                    recordedAt: Date(microsecondsSinceEpoch: recordedAt)))
                state.chainHash = try encoder.encode(draft, at: appended, recordedAt: recordedAt, previous: state.chainHash) { bytes in
                    try txn.put(log, key: sequenceKey, value: bytes, flags: .append)
                    return ChainHash.of(bytes)
                }
                try Self.insert(
                    streams, key: Self.streamKey(draft.streamID, appended.streamVersion), value: sequenceKey, after: &lastStreamKey, in: txn)

                state.edge.append(state.chainHash)
                state.sequence = appended.sequence
                versions[draft.streamID] = appended.streamVersion
                results.append(appended)
            }
            try complete?(txn)
            if results.contains(where: { !$0.duplicate }) {
                state.recordedAtMicros = recordedAt
                try state.store(txn, self)
            }
            return results
        }
    }

    /// Puts a new entry, as an append when its key sorts after `last`, the database's
    /// last key, which it then becomes.
    /// - Throws: `LMDBError.keyExists` when `key` is already there.
    private static func insert(
        _ database: Database, key: [UInt8], value: [UInt8], after last: inout [UInt8]?, in txn: borrowing WriteTransaction
    ) throws {
        // LMDB's default order: bytewise, a prefix first.
        guard last.map({ $0.lexicographicallyPrecedes(key) }) ?? true else {
            return try txn.put(database, key: key, value: value, flags: .noOverwrite)
        }
        try txn.put(database, key: key, value: value, flags: [.append, .noOverwrite])
        last = key
    }

    private func lastKey(_ database: Database, in txn: borrowing WriteTransaction) throws -> [UInt8]? {
        try txn.withCursor(database) { cursor in try cursor.last().map { Array($0.key) } }
    }

    /// The original position of `draft`'s id, already in the log: the same content is an
    /// idempotent repeat, different content a conflict.
    private func original(of draft: EventDraft, in txn: borrowing WriteTransaction, index: Int) throws -> Appended {
        guard let key = try txn.get(eventIDs, key: draft.id.bytes), let sequence = BigEndian.uint64(key),
              let stored = try record(at: sequence, in: txn)
        else {
            throw EventLogError.corrupt(reason: "event id \(draft.id) is indexed but its record is missing")
        }
        guard draft.matches(stored) else {
            throw EventLogError.idConflict(index: index, id: draft.id, sequence: sequence)
        }
        return Appended(sequence: sequence, streamVersion: stored.streamVersion, duplicate: true)
    }

    /// The stream index key: UTF-8 stream id, a 0x00 separator, the big-endian version.
    static func streamKey(_ streamID: String, _ version: UInt64) -> [UInt8] {
        Array(streamID.utf8) + [0] + BigEndian.bytes(version)
    }

    /// The stream's current version (0 when it has no events).
    func streamVersion<T: ReadableTransaction & ~Copyable>(_ streamID: String, in txn: borrowing T) throws -> UInt64 {
        let prefix = Array(streamID.utf8) + [0]
        return try txn.withCursor(streams) { cursor in
            let entry = try cursor.seek(atLeast: Self.streamKey(streamID, .max)) != nil
                ? try cursor.previous() : try cursor.last()
            guard let entry, entry.key.count == prefix.count + 8, entry.key.starts(with: prefix) else { return 0 }
            return BigEndian.uint64(entry.key, at: prefix.count) ?? 0
        }
    }
}
