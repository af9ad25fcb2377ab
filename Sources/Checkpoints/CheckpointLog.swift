import EventLog
import Foundation
import LMDB
import Merkle

/// The signed checkpoints a store keeps, in the LMDB database `checkpoints` beside its log:
/// key the checkpoint's number (BE64, from 1), value the signed note (UTF-8).
public struct CheckpointLog: Sendable {
    public let log: EventLog
    private let database: Database?

    /// The checkpoints of `log`'s store; `create` makes the database when it is missing
    /// (a read-only store without one simply has no checkpoints).
    public init(log: EventLog, create: Bool = false) throws {
        self.log = log
        do {
            database = try log.environment.openDatabase("checkpoints", create: create)
        } catch LMDBError.notFound {
            database = nil
        }
    }

    /// Signs a checkpoint of the log as it stands and keeps it, in one write transaction.
    @discardableResult
    public func record(signedBy key: SigningKey, at time: Date = Date()) throws -> SignedCheckpoint {
        guard let database else { throw CheckpointError("the checkpoint log was opened without creating its database") }
        // From the first checkpoint on, the log links records to their learners, and every checkpoint maps them.
        try log.linkLearners()
        return try log.environment.write { txn in
            let head = try log.head(in: txn)
            let checkpoint = Checkpoint(
                origin: key.name, size: head.sequence, root: head.merkleRoot, time: time, learners: try log.learnerMap(in: txn))
            let signed = try SignedCheckpoint(signing: checkpoint, with: key)
            let number = try txn.count(database) + 1
            try txn.put(database, key: withUnsafeBytes(of: UInt64(number).bigEndian, Array.init), value: Array(signed.encoded.utf8))
            return signed
        }
    }

    /// Keeps the cosignatures of `cosigned`, a checkpoint this log keeps as an EQA returned
    /// it with their signature line added, once `cosigner` (the EQA's key) verifies it and
    /// `centre` the centre's. - Returns: the checkpoint's number.
    /// - Throws: `CheckpointError` when a signature does not verify or no kept checkpoint is the one cosigned.
    @discardableResult
    public func addCosignatures(from cosigned: SignedCheckpoint, cosigner: VerifierKey, centre: VerifierKey) throws -> Int {
        guard let database else { throw CheckpointError("the store keeps no checkpoints") }
        try cosigned.verify(with: centre)
        do { try cosigned.note.verify(with: cosigner) } catch let error as CheckpointError {
            throw CheckpointError("the cosignature: \(error)")
        }
        return try log.environment.write { txn in
            let kept = try all(in: txn)
            guard let index = kept.firstIndex(where: { $0.note.text == cosigned.note.text }) else {
                throw CheckpointError("the store keeps no checkpoint of \(cosigned.checkpoint.size) records with root \(cosigned.checkpoint.root.hex) signed at that time")
            }
            let merged = try kept[index].merging(cosigned)
            try txn.put(database, key: withUnsafeBytes(of: UInt64(index + 1).bigEndian, Array.init), value: Array(merged.encoded.utf8))
            return index + 1
        }
    }

    /// Every checkpoint kept, oldest first.
    public func all() throws -> [SignedCheckpoint] {
        try log.environment.read { txn in try all(in: txn) }
    }

    /// Every checkpoint kept as transaction `txn` sees the store, oldest first.
    public func all<T: ReadableTransaction & ~Copyable>(in txn: borrowing T) throws -> [SignedCheckpoint] {
        guard let database else { return [] }
        return try txn.withReader { reader in
            try reader.entries(database, prefix: []).map { try SignedCheckpoint(parsing: String(decoding: $0.value, as: UTF8.self)) }
        }
    }

    /// The latest checkpoint as transaction `txn` sees the store, or `nil` when none was taken.
    public func latest<T: ReadableTransaction & ~Copyable>(in txn: borrowing T) throws -> SignedCheckpoint? {
        guard let database else { return nil }
        return try txn.withCursor(database) { cursor in
            try cursor.last().map { try SignedCheckpoint(parsing: String(decoding: $0.value, as: UTF8.self)) }
        }
    }
}

extension CheckpointLog {
    /// Checks every checkpoint kept against `key` and the log, in one snapshot: each is
    /// signed by `key`, names its centre, and covers a prefix of the log with the Merkle
    /// root it states. Returns how many there are.
    ///
    /// - Throws: `CheckpointError` naming the first checkpoint that fails, by its number.
    @discardableResult
    public func verify(with key: VerifierKey) throws -> Int {
        try log.environment.read { txn in
            let kept = try all(in: txn)
            let size = try log.head(in: txn).sequence
            for (index, signed) in kept.enumerated() {
                do { try signed.verify(with: key) } catch {
                    throw CheckpointError("checkpoint \(index + 1) is not signed by the key \(key): \(error)")
                }
                guard signed.checkpoint.size <= size else {
                    throw CheckpointError("checkpoint \(index + 1) covers \(signed.checkpoint.size) records but the log holds \(size)")
                }
            }
            // One pass over the log, comparing the root at each checkpoint's size, smallest first.
            var pending = kept.enumerated().sorted { $0.element.checkpoint.size < $1.element.checkpoint.size }[...]
            var edge = CompactRange()
            func compare() throws {
                while let next = pending.first, next.element.checkpoint.size == edge.size {
                    let stated = next.element.checkpoint.root
                    guard edge.root == stated else {
                        throw CheckpointError(
                            "checkpoint \(next.offset + 1) says the first \(edge.size) records have Merkle root \(stated.hex), but their root is \(edge.root.hex)")
                    }
                    pending.removeFirst()
                }
            }
            try compare()
            try log.readStored(in: txn) { bytes, _ in
                guard !pending.isEmpty else { return false }
                edge.append(ChainHash.of(bytes))
                try compare()
                return true
            }
            if let next = pending.first {
                throw CheckpointError("checkpoint \(next.offset + 1) covers \(next.element.checkpoint.size) records but only \(edge.size) are stored")
            }
            return kept.count
        }
    }
}

/// A kept checkpoint as the store lists it.
public struct CheckpointListing: Encodable, Sendable {
    /// Its number in the store, from 1.
    public let number: Int
    public let origin: String
    public let size: UInt64
    public let root: String
    public let time: String
    /// The names of the keys that cosigned it, besides the centre's.
    public let cosignedBy: [String]
    /// The signed note itself.
    public let note: String

    /// Checkpoint number `number` (from 1), `signed`.
    public init(number: Int, _ signed: SignedCheckpoint) {
        self.number = number
        origin = signed.checkpoint.origin
        size = signed.checkpoint.size
        root = signed.checkpoint.root.hex
        time = signed.checkpoint.time.map { Timestamp.format($0) } ?? ""
        cosignedBy = signed.cosignatures.map(\.name)
        note = signed.encoded
    }
}

extension CheckpointLog {
    /// Every kept checkpoint, oldest first, as listed.
    public func listings() throws -> [CheckpointListing] {
        try all().enumerated().map { CheckpointListing(number: $0 + 1, $1) }
    }
}
