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
    /// and a throw refuses the whole batch. `validate` returns the learner the event
    /// concerns, if any (its record names them and links to their previous record,
    /// `LearnerEntry`), and the payload with its personal fields sealed, if it has any.
    /// `open` gives the payload of a stored record with its sealed fields opened, to tell
    /// an idempotent repeat of a sealed record from a conflict.
    /// - Throws: `EventLogError.invalidEvent`, `.versionConflict` or `.idConflict`
    ///   naming the event's index in the batch, or what `validate` threw; nothing is appended.
    @discardableResult
    public func append(
        _ drafts: [EventDraft], now: () -> Date = Date.init,
        validate: ((borrowing WriteTransaction, AppendingEvent) throws -> AppendFacts)? = nil,
        complete: ((borrowing WriteTransaction) throws -> Void)? = nil,
        open: ((Record) throws -> Data)? = nil
    ) throws -> [Appended] {
        try linkLearners()
        return try environment.write { txn in
            try append(drafts, in: txn, now: now(), validate: validate, complete: complete, open: open)
        }
    }

    /// Appends `drafts` in `txn`, a write transaction of this log's environment, as
    /// `append(_:now:validate:complete:open:)` does; for appending several batches in one
    /// transaction, each in a transaction of its own nested in it (`WriteTransaction.nested`).
    /// `linkLearners()` must have been called first.
    @discardableResult
    public func append(
        _ drafts: [EventDraft], in txn: borrowing WriteTransaction, now: Date,
        validate: ((borrowing WriteTransaction, AppendingEvent) throws -> AppendFacts)? = nil,
        complete: ((borrowing WriteTransaction) throws -> Void)? = nil,
        open: ((Record) throws -> Data)? = nil
    ) throws -> [Appended] {
        var batch = try Batch(self, txn, now: now, expecting: drafts.count)
        try txn.withWriteCursor(log) { records in
            try txn.withWriteCursor(eventIDs) { ids in
                try txn.withWriteCursor(streams) { streamEntries in
                    for index in drafts.indices {
                        let draft = drafts[index]
                        if let problem = draft.problem() {
                            throw EventLogError.invalidEvent(index: index, reason: problem)
                        }
                        guard try batch.claimID(of: draft, with: &ids) else {
                            batch.results.append(try original(of: draft, in: txn, index: index, open: open))
                            continue
                        }
                        let position = try batch.position(of: draft, index: index) { try streamVersion($0, in: txn) }
                        let facts = try validate?(txn, AppendingEvent(
                            index: index, draft: draft, sequence: position.sequence,
                            recordedAtMicros: batch.recordedAt))
                        try batch.write(draft, facts: facts, at: position, in: txn, records: &records, streamEntries: &streamEntries)
                    }
                }
            }
        }
        try complete?(txn)
        if batch.results.contains(where: { !$0.duplicate }) {
            batch.head.recordedAtMicros = batch.recordedAt
            try batch.head.store(txn, self)
        }
        return batch.results
    }

    /// The original position of `draft`'s id, already in the log: the same content is an
    /// idempotent repeat, different content a conflict.
    private func original(
        of draft: EventDraft, in txn: borrowing WriteTransaction, index: Int, open: ((Record) throws -> Data)?
    ) throws -> Appended {
        guard let key = try txn.get(eventIDs, key: draft.id.bytes), let sequence = BigEndian.uint64(key),
              let stored = try record(at: sequence, in: txn)
        else {
            throw EventLogError.corrupt(reason: "event id \(draft.id) is indexed but its record is missing")
        }
        let payload = stored.sealed.isEmpty ? stored.payload : try open?(stored)
        guard let payload, draft.matches(stored, payload: payload) else {
            throw EventLogError.idConflict(index: index, id: draft.id, sequence: sequence)
        }
        return Appended(sequence: sequence, streamVersion: stored.streamVersion, duplicate: true)
    }

    /// The stream index key: UTF-8 stream id, a 0x00 separator, the big-endian version.
    static func streamKey(_ streamID: String, _ version: UInt64) -> [UInt8] {
        withStreamKey(streamID, version) { Array($0) }
    }

    /// Calls `body` with the stream index key, built on the stack.
    static func withStreamKey<R>(
        _ streamID: String, _ version: UInt64, _ body: (UnsafeRawBufferPointer) throws -> R
    ) rethrows -> R {
        var streamID = streamID
        return try streamID.withUTF8 { id in
            try withUnsafeTemporaryAllocation(byteCount: id.count + 9, alignment: 1) { key in
                key.copyMemory(from: UnsafeRawBufferPointer(id))
                key[id.count] = 0
                key.storeBytes(of: version.bigEndian, toByteOffset: id.count + 1, as: UInt64.self)
                return try body(UnsafeRawBufferPointer(key))
            }
        }
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

/// What an append carries from one event of its batch to the next.
private struct Batch {
    var head: HeadState
    /// The store's clock for the batch, never behind the last batch's.
    let recordedAt: Int64
    var results: [Appended] = []
    private var versions = StreamVersions()
    private var idIndex: IndexEnd
    private var streamIndex: IndexEnd
    /// `nil` when the store does not link records to learners.
    private let links: LearnerLinks?

    /// A batch of about `events` events.
    init(_ log: EventLog, _ txn: borrowing WriteTransaction, now: Date, expecting events: Int) throws {
        head = try HeadState(txn, log, reusingKept: true)
        recordedAt = max(now.microsecondsSinceEpoch, head.recordedAtMicros)
        idIndex = try IndexEnd(log.eventIDs, in: txn)
        streamIndex = try IndexEnd(log.streams, in: txn)
        links = log.learners.map { LearnerLinks(database: $0) }
        results.reserveCapacity(events)
        versions.expect(events)
    }

    /// Enters `draft`'s id in the event-id index, at the next sequence; false when the id
    /// is already there.
    mutating func claimID(of draft: EventDraft, with cursor: inout WriteCursor) throws -> Bool {
        do {
            try idIndex.insert(key: InlineBytes(draft.id.uuid), value: InlineBytes((head.sequence + 1).bigEndian), with: &cursor)
            return true
        } catch LMDBError.keyExists {
            return false
        }
    }

    /// Where `draft` goes: the next sequence, and its stream's next version (`storedVersion`
    /// reads a stream's version from the index).
    /// - Throws: `EventLogError.versionConflict` when the stream is not at the version the draft expects.
    mutating func position(
        of draft: EventDraft, index: Int, storedVersion: (String) throws -> UInt64
    ) throws -> Appended {
        let current = try versions.advance(draft.streamID, stored: storedVersion)
        if let expected = draft.expectedVersion, expected != current {
            throw EventLogError.versionConflict(index: index, stream: draft.streamID, expected: expected, actual: current)
        }
        return Appended(sequence: head.sequence + 1, streamVersion: current + 1, duplicate: false)
    }

    /// Writes `draft`'s record at `position`, linked to the previous record of the learner
    /// `facts` name and with the payload they seal, and its stream index entry, and moves
    /// the head on.
    mutating func write(
        _ draft: EventDraft, facts: AppendFacts?, at position: Appended, in txn: borrowing WriteTransaction,
        records: inout WriteCursor, streamEntries: inout WriteCursor
    ) throws {
        let sequenceKey = InlineBytes(position.sequence.bigEndian)
        var link: LearnerLink?
        if let learner = facts?.learner, !learner.isEmpty, let links {
            link = LearnerLink(learner: learner, previous: try links.link(learner, at: position.sequence, in: txn))
        }
        let encoder = RecordEncoder(
            position: position, recordedAt: recordedAt, previous: head.chainHash, learner: link, sealed: facts?.sealed)
        let chainHash = try records.put(key: sequenceKey, reserving: encoder.count(of: draft), flags: .append) { record in
            encoder.write(draft, into: record)
            return ChainHash.of(UnsafeRawBufferPointer(record))
        }
        try EventLog.withStreamKey(draft.streamID, position.streamVersion) { key in
            try streamIndex.insert(key: key, value: sequenceKey, with: &streamEntries)
        }
        head.sequence = position.sequence
        head.chainHash = chainHash
        head.edge.append(chainHash)
        results.append(position)
    }
}

/// Stream versions as a batch moves them on: each stream's is read from the index once,
/// and a run of events on one stream is counted without a lookup.
private struct StreamVersions {
    private var known: [String: UInt64] = [:]
    private var current: (stream: String, version: UInt64)?

    /// Makes room for about `streams` streams: growing the table rehashes every entry.
    mutating func expect(_ streams: Int) { known.reserveCapacity(streams) }

    /// Counts one more event on `stream` and returns the stream's version before it;
    /// `stored` reads a stream's version from the index.
    mutating func advance(_ stream: String, stored: (String) throws -> UInt64) rethrows -> UInt64 {
        if current?.stream != stream {
            if let (previous, version) = current { known[previous] = version }
            current = (stream, try known[stream] ?? stored(stream))
        }
        defer { current!.version += 1 }
        return current!.version
    }
}

/// An index's last key as a batch adds to it: a key that sorts after it is put with
/// `MDB_APPEND`, which skips the search and keeps the index's pages full.
private struct IndexEnd {
    /// Empty when the index is (LMDB keys are never empty).
    private var last: [UInt8]

    init(_ database: Database, in txn: borrowing WriteTransaction) throws {
        last = try txn.withCursor(database) { cursor in try cursor.last().map { Array($0.key) } } ?? []
    }

    /// Puts `key` → `value`.
    /// - Throws: `LMDBError.keyExists` when `key` is already there.
    mutating func insert(key: some ContiguousBytes, value: some ContiguousBytes, with cursor: inout WriteCursor) throws {
        try key.withUnsafeBytes { key in
            guard last.withUnsafeBytes({ precedes($0, key) }) else {
                return try cursor.put(key: key, value: value, flags: .noOverwrite)
            }
            try cursor.put(key: key, value: value, flags: [.append, .noOverwrite])
            remember(key)
        }
    }

    /// Keeps a copy of `key` as the last key, in place when it is as long as the one before.
    private mutating func remember(_ key: UnsafeRawBufferPointer) {
        guard last.count == key.count else { return last = Array(key) }
        last.withUnsafeMutableBytes { $0.copyMemory(from: key) }
    }

    /// LMDB's default key order: bytewise, a prefix first.
    private func precedes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let common = min(a.count, b.count)
        let order = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
        return order != 0 ? order < 0 : a.count < b.count
    }
}
