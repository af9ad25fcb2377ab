import Foundation
import LMDB
import Merkle

extension EventLog {
    /// Appends `drafts` atomically: all of them in one write transaction, or none.
    ///
    /// An event whose id is already in the log (or earlier in the batch) with the same
    /// content is not appended again; its original position is returned.
    /// - Throws: `EventLogError.invalidEvent`, `.versionConflict` or `.idConflict`
    ///   naming the event's index in the batch; nothing is appended.
    @discardableResult
    public func append(_ drafts: [EventDraft], now: () -> Date = Date.init) throws -> [Appended] {
        try environment.write { txn in
            var state = try HeadState(txn, self)
            let recordedAt = max(now().microsecondsSinceEpoch, state.recordedAtMicros)
            var versions: [String: UInt64] = [:]
            var inBatch: [UUID: (draft: EventDraft, appended: Appended)] = [:]
            var results: [Appended] = []
            results.reserveCapacity(drafts.count)

            for (index, draft) in drafts.enumerated() {
                if let problem = draft.problem() {
                    throw EventLogError.invalidEvent(index: index, reason: problem)
                }
                if let earlier = inBatch[draft.id] {
                    guard earlier.draft == draft else {
                        throw EventLogError.idConflict(index: index, id: draft.id, sequence: earlier.appended.sequence)
                    }
                    results.append(earlier.appended)
                    continue
                }
                if let existing = try original(of: draft, in: txn, index: index) {
                    results.append(existing)
                    continue
                }
                let current = try versions[draft.streamID] ?? streamVersion(draft.streamID, in: txn)
                if let expected = draft.expectedVersion, expected != current {
                    throw EventLogError.versionConflict(
                        index: index, stream: draft.streamID, expected: expected, actual: current)
                }
                let appended = Appended(sequence: state.sequence + 1, streamVersion: current + 1, duplicate: false)
                let bytes = try record(of: draft, at: appended, recordedAt: recordedAt, previous: state.chainHash)
                    .serializedBytes() as [UInt8]
                let sequenceKey = BigEndian.bytes(appended.sequence)
                try txn.put(log, key: sequenceKey, value: bytes, flags: .append)
                try txn.put(streams, key: Self.streamKey(draft.streamID, appended.streamVersion),
                            value: sequenceKey, flags: .noOverwrite)
                try txn.put(eventIDs, key: draft.id.bytes, value: sequenceKey, flags: .noOverwrite)

                state.chainHash = bytes.withUnsafeBytes(ChainHash.of)
                state.edge.append(state.chainHash)
                state.sequence = appended.sequence
                versions[draft.streamID] = appended.streamVersion
                inBatch[draft.id] = (draft, appended)
                results.append(appended)
            }
            state.recordedAtMicros = recordedAt
            try state.store(txn, self)
            return results
        }
    }

    private func record(of draft: EventDraft, at position: Appended, recordedAt: Int64, previous: [UInt8]) -> Record {
        var record = Record()
        record.sequence = position.sequence
        record.eventID = Data(draft.id.bytes)
        record.streamID = draft.streamID
        record.streamVersion = position.streamVersion
        record.eventType = draft.eventType
        record.schemaVersion = draft.schemaVersion
        record.recordedAtMicros = recordedAt
        record.occurredAtMicros = draft.occurredAt.microsecondsSinceEpoch
        record.actor = draft.actor
        record.correlationID = Data(draft.correlationID?.bytes ?? [])
        record.causationID = Data(draft.causationID?.bytes ?? [])
        record.payload = draft.payload
        record.previousHash = Data(previous)
        return record
    }

    /// The original position of `draft`'s id if it is already in the log with the same content.
    private func original(of draft: EventDraft, in txn: borrowing WriteTransaction, index: Int) throws -> Appended? {
        guard let key = try txn.get(eventIDs, key: draft.id.bytes) else { return nil }
        guard let sequence = BigEndian.uint64(key), let stored = try record(at: sequence, in: txn) else {
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
