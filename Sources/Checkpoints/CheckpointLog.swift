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
        return try log.environment.write { txn in
            let head = try log.head(in: txn)
            let signed = try SignedCheckpoint(
                signing: Checkpoint(origin: key.name, size: head.sequence, root: head.merkleRoot, time: time), with: key)
            let number = try txn.count(database) + 1
            try txn.put(database, key: withUnsafeBytes(of: UInt64(number).bigEndian, Array.init), value: Array(signed.encoded.utf8))
            return signed
        }
    }

    /// Every checkpoint kept, oldest first.
    public func all() throws -> [SignedCheckpoint] {
        guard let database else { return [] }
        return try log.environment.read { txn in
            try txn.withReader { reader in
                try reader.entries(database, prefix: []).map { try SignedCheckpoint(parsing: String(decoding: $0.value, as: UTF8.self)) }
            }
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
