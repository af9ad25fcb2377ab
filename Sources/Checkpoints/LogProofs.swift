import EventLog
import Foundation
import LMDB
import Merkle

/// An RFC 9162 consistency proof: the tree of `oldSize` records with root `oldRoot` is a
/// prefix of the tree of `newSize` records with root `newRoot`.
public struct ConsistencyProof: Codable, Equatable, Sendable {
    public let oldSize: UInt64
    public let newSize: UInt64
    public let oldRoot: Hash
    public let newRoot: Hash
    public let hashes: [Hash]

    public init(oldSize: UInt64, newSize: UInt64, oldRoot: Hash, newRoot: Hash, hashes: [Hash]) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.oldRoot = oldRoot
        self.newRoot = newRoot
        self.hashes = hashes
    }

    /// Checks the proof (RFC 9162 §2.1.4.2).
    public func verify() throws {
        try Proof.verifyConsistency(oldSize: oldSize, newSize: newSize, oldRoot: oldRoot, newRoot: newRoot, proof: hashes)
    }

    /// The text form: a header line, both roots, then one base64 hash a line.
    public var text: String {
        "consistency \(oldSize) \(newSize)\nold \(oldRoot.base64)\nnew \(newRoot.base64)\n"
            + hashes.map { $0.base64 + "\n" }.joined()
    }
}

extension Hash: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let hash = Hash(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(text) is not 64 hexadecimal digits"))
        }
        self = hash
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }

    /// The 32 bytes in standard base64, as checkpoints write hashes.
    public var base64: String { Data(bytes).base64EncodedString() }
}

extension EventLog {
    /// The consistency proof from the log's first `oldSize` records to its first `newSize`
    /// (the head when `nil`), read in one snapshot.
    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64? = nil) throws -> ConsistencyProof {
        try environment.read { txn in
            let head = try head(in: txn)
            let newSize = newSize ?? head.sequence
            guard oldSize <= newSize, newSize <= head.sequence else {
                throw CheckpointError("cannot prove from size \(oldSize) to \(newSize): the log holds \(head.sequence) records")
            }
            return try txn.withReader { reader in
                let leaf = { (index: UInt64) throws -> Hash in
                    guard let hash = try self.chainHash(at: index + 1, in: reader) else {
                        throw CheckpointError("record \(index + 1) is missing from the log")
                    }
                    return hash
                }
                return ConsistencyProof(
                    oldSize: oldSize, newSize: newSize,
                    oldRoot: try Proof.root(of: 0..<oldSize, leafHash: leaf), newRoot: try Proof.root(of: 0..<newSize, leafHash: leaf),
                    hashes: try Proof.consistency(from: oldSize, to: newSize, leafHash: leaf))
            }
        }
    }
}
