import Foundation
import LMDB
import Merkle

/// The append-only, hash-chained log of one store directory.
///
/// The store is a plain LMDB environment with four named databases:
/// - `log`: big-endian sequence → record bytes (appended with `MDB_APPEND`);
/// - `streams`: stream id ‖ 0x00 ‖ big-endian stream version → big-endian sequence;
/// - `event-ids`: event UUID (16 bytes) → big-endian sequence;
/// - `meta`: the format, the centre's time zone, the head (sequence, chain hash,
///   recorded-at), the Merkle tree's right edge, and from which sequence records are
///   linked to their learners;
/// - `learners`: learner reference → their latest record and count (`LearnerEntry`).
/// Every append updates them in one write transaction.
public final class EventLog: Sendable {
    /// The store format this code reads and writes.
    public static let format = "attest-log/1"

    /// The time zone of a store that records none (one created before stores recorded
    /// theirs), and of a new store unless another is given.
    public static let defaultTimeZone = TimeZone(identifier: "Europe/London")!

    /// The LMDB environment, for modules that keep their own databases beside the log.
    public let environment: Environment
    let log: Database
    let streams: Database
    let eventIDs: Database
    let meta: Database
    /// Each learner's latest record and count (`LearnerEntry`); opened when the store has
    /// it, made by the first append to a store that has not.
    let learnersHandle: LearnersHandle
    /// The head last read or written, so that the appends of a group commit, one after
    /// another, do not decode the Merkle edge each time.
    let keptHead = KeptHead()

    enum MetaKey {
        static let format = Array("format".utf8)
        static let timeZone = Array("time-zone".utf8)
        static let head = Array("head".utf8)
        static let merkleEdge = Array("merkle-edge".utf8)
        static let learnersFrom = Array("learners-from".utf8)
        static func setting(_ name: String) -> [UInt8] { Array("setting/\(name)".utf8) }
    }

    /// Creates a new, empty store in directory `path` (created when missing, open to its
    /// owner only: 0700), kept in `timeZone`, the centre's. Its files are 0600.
    public static func create(
        at path: String, timeZone: TimeZone = defaultTimeZone, options: EnvironmentOptions = .init()
    ) throws -> EventLog {
        // Parents missing are made as usual; only the store's own directory is 0700.
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if FileManager.default.fileExists(atPath: path + "/data.mdb") {
            throw EventLogError.alreadyAStore(path: path)
        }
        let environment = try Environment(path: path, options: options)
        let log = try EventLog(environment: environment, create: true)
        try log.linkLearners()
        try environment.write { txn in
            try txn.put(log.meta, key: MetaKey.format, value: Array(format.utf8), flags: .noOverwrite)
            try txn.put(log.meta, key: MetaKey.timeZone, value: Array(timeZone.identifier.utf8), flags: .noOverwrite)
        }
        return log
    }

    /// Opens the existing store in directory `path`.
    public convenience init(openingAt path: String, options: EnvironmentOptions = .init()) throws {
        guard FileManager.default.fileExists(atPath: path + "/data.mdb") else {
            throw EventLogError.notAStore(path: path)
        }
        try self.init(environment: Environment(path: path, options: options), create: false)
        let found = try environment.read { try $0.get(meta, key: MetaKey.format) }
        guard let found else { throw EventLogError.notAStore(path: path) }
        guard found == Array(Self.format.utf8) else {
            throw EventLogError.unsupportedFormat(found: String(decoding: found, as: UTF8.self))
        }
    }

    private init(environment: Environment, create: Bool) throws {
        self.environment = environment
        do {
            log = try environment.openDatabase("log", create: create)
            streams = try environment.openDatabase("streams", create: create)
            eventIDs = try environment.openDatabase("event-ids", create: create)
            meta = try environment.openDatabase("meta", create: create)
        } catch LMDBError.notFound {
            throw EventLogError.notAStore(path: environment.path)
        }
        learnersHandle = try LearnersHandle(environment)
    }

    /// The centre's time zone, in which its rules and reports count days: the one given at
    /// creation, or `defaultTimeZone` for a store that records none.
    public func timeZone() throws -> TimeZone {
        guard let stored = try environment.read({ try $0.get(meta, key: MetaKey.timeZone) }) else { return Self.defaultTimeZone }
        let identifier = String(decoding: stored, as: UTF8.self)
        guard let zone = TimeZone(identifier: identifier) else { throw EventLogError.unknownTimeZone(identifier) }
        return zone
    }

    /// The store's setting `name` (kept in meta, outside the hashed log), or `nil` when unset.
    public func setting(_ name: String) throws -> String? {
        try environment.read { try $0.get(meta, key: MetaKey.setting(name)) }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Sets the store's setting `name` to `value`.
    public func set(_ name: String, to value: String) throws {
        try environment.write { try $0.put(meta, key: MetaKey.setting(name), value: Array(value.utf8)) }
    }

    /// The current head: size, last chain hash and Merkle root.
    public func head() throws -> Head {
        try environment.read { txn in try head(in: txn) }
    }

    /// The head as `txn` sees it.
    public func head<T: ReadableTransaction & ~Copyable>(in txn: borrowing T) throws -> Head {
        let state = try HeadState(txn, self)
        return Head(sequence: state.sequence, chainHash: state.chainHash, merkleRoot: state.edge.root)
    }
}

/// The head as stored in `meta`, read and written inside a transaction.
struct HeadState {
    var sequence: UInt64 = 0
    var chainHash = ChainHash.genesis
    var recordedAtMicros: Int64 = 0
    var edge = CompactRange()

    /// The head `txn` sees; with `reusingKept`, the head kept for the same head entry,
    /// when there is one, without reading the Merkle edge (an append; a verification
    /// reads what is stored).
    init<T: ReadableTransaction & ~Copyable>(_ txn: borrowing T, _ log: EventLog, reusingKept: Bool = false) throws {
        let stored = try txn.get(log.meta, key: EventLog.MetaKey.head)
        if reusingKept, let stored, let kept = log.keptHead.state(stored) {
            self = kept
            return
        }
        if let head = stored {
            guard head.count == 48, let sequence = BigEndian.uint64(head),
                  let recorded = BigEndian.uint64(head, at: 40)
            else { throw EventLogError.corrupt(reason: "the head entry in meta has \(head.count) bytes, not 48") }
            self.sequence = sequence
            self.chainHash = Hash(bytes: head[8..<40])!
            self.recordedAtMicros = Int64(bitPattern: recorded)
        }
        let edge = try txn.get(log.meta, key: EventLog.MetaKey.merkleEdge)
        guard let range = edge.map({ CompactRange(encoded: $0) }) ?? CompactRange(), range.size == sequence else {
            throw EventLogError.corrupt(reason: "the Merkle edge in meta does not match a log of \(sequence) records")
        }
        self.edge = range
        if let stored { log.keptHead.keep(stored, self) }
    }

    func store(_ txn: borrowing WriteTransaction, _ log: EventLog) throws {
        let head = BigEndian.bytes(sequence) + chainHash.bytes + BigEndian.bytes(UInt64(bitPattern: recordedAtMicros))
        try txn.put(log.meta, key: EventLog.MetaKey.head, value: head)
        try txn.put(log.meta, key: EventLog.MetaKey.merkleEdge, value: edge.encoded)
        log.keptHead.keep(head, self)
    }
}

/// A head state with the bytes of the head entry it goes with. The entry names the last
/// record's sequence and chain hash, which commit to every record and so to the Merkle
/// edge: the same bytes read again, whoever wrote them and whether or not the
/// transaction that kept them was committed, stand for the same head.
final class KeptHead: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: (bytes: [UInt8], state: HeadState)?

    func state(_ bytes: [UInt8]) -> HeadState? {
        lock.withLock { kept.flatMap { $0.bytes == bytes ? $0.state : nil } }
    }

    func keep(_ bytes: [UInt8], _ state: HeadState) {
        lock.withLock { kept = (bytes, state) }
    }
}

/// The hash chain: each record's chain hash is its Merkle leaf hash,
/// SHA-256(0x00 ‖ record bytes), and each record stores its predecessor's.
public enum ChainHash {
    /// The previous hash carried by the first record: 32 zero bytes.
    public static let genesis = Hash.zero

    /// The chain hash of a stored record.
    public static func of(_ recordBytes: UnsafeRawBufferPointer) -> Hash {
        TreeHash.leaf(recordBytes)
    }
}
