import Foundation
import LMDB
import Merkle

/// What the log keeps so that a learner's records can be proven complete: each record
/// about a learner names the learner and that learner's previous record (fields 14 and 15),
/// and the database `learners` holds, per learner, their latest record and how many there
/// are. A checkpoint commits to that table through its Merkle root (`LearnerMap`), so a
/// bundle of one learner's records can show it holds every one of them.
///
/// Records are linked from the sequence in meta `learners-from` on: 1 for a store created
/// with links, the next sequence for an older store when this code first opened it.
public struct LearnerEntry: Equatable, Sendable {
    /// The learner's latest record.
    public var latest: UInt64
    /// The learner's records from `learners-from` on.
    public var records: UInt64

    public init(latest: UInt64, records: UInt64) {
        self.latest = latest
        self.records = records
    }

    /// The entry of a learner with no records yet.
    public static let none = LearnerEntry(latest: 0, records: 0)

    /// Counts record `sequence` as the learner's latest. - Returns: their previous record (0 for none).
    public mutating func link(_ sequence: UInt64) -> UInt64 {
        defer {
            latest = sequence
            records += 1
        }
        return latest
    }

    /// The stored value: BE64 latest ‖ BE64 records.
    public var encoded: [UInt8] { BigEndian.bytes(latest) + BigEndian.bytes(records) }

    /// Reads a stored value; `nil` when it is not 16 bytes.
    public init?(encoded: some Collection<UInt8>) {
        guard encoded.count == 16, let latest = BigEndian.uint64(encoded), let records = BigEndian.uint64(encoded, at: 8) else { return nil }
        self.init(latest: latest, records: records)
    }

    /// The map's leaf hash of `learner`'s entry: SHA-256(0x00 ‖ learner ‖ 0x00 ‖ BE64 latest ‖ BE64 records).
    public func leafHash(learner: String) -> Hash {
        TreeHash.leaf(Array(learner.utf8) + [0] + encoded)
    }
}

/// A checkpoint's commitment to every learner's records: the first sequence linked, the
/// number of learners, and the RFC 9162 Merkle root over the learners' entries in the
/// bytewise order of their references. Its checkpoint line is `learners FROM COUNT ROOT`.
public struct LearnerMap: Equatable, Sendable {
    /// The first sequence whose records are linked.
    public let from: UInt64
    /// The learners with records from `from` on.
    public let learners: UInt64
    public let root: Hash

    public init(from: UInt64, learners: UInt64, root: Hash) {
        self.from = from
        self.learners = learners
        self.root = root
    }

    /// The map of `entries`, given in the bytewise order of their learners' references.
    public init(from: UInt64, entries: some Sequence<(learner: String, entry: LearnerEntry)>) {
        var range = CompactRange()
        for (learner, entry) in entries { range.append(entry.leafHash(learner: learner)) }
        self.init(from: from, learners: range.size, root: range.root)
    }

    /// The checkpoint extension line, without its newline.
    public var line: String { "learners \(from) \(learners) \(Data(root.bytes).base64EncodedString())" }

    /// Reads a `learners FROM COUNT ROOT` line; `nil` when the line is not one.
    public init?(line: some StringProtocol) {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 4, fields[0] == "learners",
              let from = UInt64(fields[1]), from >= 1, String(from) == fields[1],
              let learners = UInt64(fields[2]), String(learners) == fields[2],
              let bytes = Data(base64Encoded: String(fields[3])), let root = Hash(bytes: bytes),
              Data(root.bytes).base64EncodedString() == fields[3]
        else { return nil }
        self.init(from: from, learners: learners, root: root)
    }
}

extension EventLog {
    /// The name of the database of learners' entries.
    static let learnersDatabase = "learners"

    /// The sequence from which records are linked to their learners, as `txn` sees the store; `nil` when they are not.
    public func learnersFrom<T: ReadableTransaction & ~Copyable>(in txn: borrowing T) throws -> UInt64? {
        guard learners != nil, let stored = try txn.get(meta, key: MetaKey.learnersFrom) else { return nil }
        guard let from = BigEndian.uint64(stored), stored.count == 8 else {
            throw EventLogError.corrupt(reason: "learners-from in meta has \(stored.count) bytes, not 8")
        }
        return from
    }

    /// Calls `body` with each learner's entry in the bytewise order of their references, as `txn` sees the store.
    public func learnerEntries<T: ReadableTransaction & ~Copyable>(
        in txn: borrowing T, _ body: (String, LearnerEntry) throws -> Void
    ) throws {
        guard let learners else { return }
        try txn.withReader { reader in
            for (key, value) in try reader.entries(learners, prefix: []) {
                guard let entry = LearnerEntry(encoded: value) else {
                    throw EventLogError.corrupt(reason: "the learners entry of \(String(decoding: key, as: UTF8.self)) has \(value.count) bytes, not 16")
                }
                try body(String(decoding: key, as: UTF8.self), entry)
            }
        }
    }

    /// The map of every learner's entry, as `txn` sees the store; `nil` when records are not linked to learners.
    public func learnerMap<T: ReadableTransaction & ~Copyable>(in txn: borrowing T) throws -> LearnerMap? {
        guard let from = try learnersFrom(in: txn) else { return nil }
        var entries: [(learner: String, entry: LearnerEntry)] = []
        try learnerEntries(in: txn) { entries.append(($0, $1)) }
        return LearnerMap(from: from, entries: entries)
    }

    /// Learner `learner`'s linked records, oldest first, read in one snapshot by following
    /// each record's link to the learner's previous one back from their entry; with the
    /// sequence from which records are linked (`nil` when the store links none, and then no records).
    /// - Throws: `EventLogError.corrupt` when a link names a record that is missing or of another learner.
    public func linkedRecords(of learner: String) throws -> (from: UInt64?, records: [LoggedRecord]) {
        try environment.read { txn in
            guard let from = try learnersFrom(in: txn), let learners,
                  let stored = try txn.get(learners, key: Array(learner.utf8))
            else { return (try learnersFrom(in: txn), []) }
            guard let entry = LearnerEntry(encoded: stored) else { throw EventLogError.corrupt(reason: "the learners entry of \(learner) is not 16 bytes") }
            var records: [LoggedRecord] = []
            var next = entry.latest
            while next != 0 {
                guard let bytes = try txn.get(log, key: BigEndian.bytes(next)) else {
                    throw EventLogError.corrupt(reason: "learner \(learner)'s records link to \(next), which is not in the log")
                }
                let record = try Record(serializedBytes: bytes)
                guard record.learner == learner, record.learnerPrevious < next else {
                    throw EventLogError.corrupt(reason: "learner \(learner)'s records link to \(next), which is not theirs or not earlier")
                }
                records.append(LoggedRecord(record: record, bytes: bytes))
                next = record.learnerPrevious
            }
            guard records.count == entry.records else {
                throw EventLogError.corrupt(reason: "learner \(learner)'s entry counts \(entry.records) records but their links reach \(records.count)")
            }
            return (from, records.reversed())
        }
    }

    /// The database of learners' entries, `nil` while the store does not link records to learners.
    var learners: Database? { learnersHandle.database }

    /// Makes the database `learners` in a store that has none, first noting in meta that
    /// records are linked from the next sequence on. Called before an append or a
    /// checkpoint (outside any transaction), so that a store only read is never changed.
    public func linkLearners() throws {
        guard learners == nil else { return }
        try environment.write { txn in
            guard try txn.get(meta, key: MetaKey.learnersFrom) == nil else { return }
            let head = try HeadState(txn, self)
            try txn.put(meta, key: MetaKey.learnersFrom, value: BigEndian.bytes(head.sequence + 1))
        }
        learnersHandle.database = try environment.openDatabase(Self.learnersDatabase, create: true)
    }
}

/// The handle of the database `learners`: opened with the store when it has one, else set
/// by `EventLog.linkLearners()` (which also finds one another process made meanwhile).
final class LearnersHandle: @unchecked Sendable {
    private let lock = NSLock()
    private var opened: Database?

    init(_ environment: Environment) throws {
        do { opened = try environment.openDatabase(EventLog.learnersDatabase) } catch LMDBError.notFound {}
    }

    var database: Database? {
        get { lock.withLock { opened } }
        set { lock.withLock { opened = newValue } }
    }
}

/// The database of learners' entries, as appends move them on.
struct LearnerLinks {
    let database: Database

    /// Counts record `sequence` as `learner`'s latest. - Returns: the learner's previous record (0 for none).
    func link(_ learner: String, at sequence: UInt64, in txn: borrowing WriteTransaction) throws -> UInt64 {
        let key = Array(learner.utf8)
        var entry = LearnerEntry.none
        if let stored = try txn.get(database, key: key) {
            guard let read = LearnerEntry(encoded: stored) else { throw EventLogError.corrupt(reason: "the learners entry of \(learner) is not 16 bytes") }
            entry = read
        }
        let previous = entry.link(sequence)
        try txn.put(database, key: key, value: entry.encoded)
        return previous
    }
}
