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

/// An RFC 9162 inclusion proof: the record at `sequence`, whose leaf hash is `leafHash`,
/// is in the tree of `treeSize` records with root `root`.
public struct InclusionProof: Codable, Equatable, Sendable {
    public let sequence: UInt64
    public let treeSize: UInt64
    public let leafHash: Hash
    public let root: Hash
    public let hashes: [Hash]

    /// Checks the proof (RFC 9162 §2.1.3.2).
    public func verify() throws {
        try Proof.verifyInclusion(leafHash: leafHash, leafIndex: sequence - 1, treeSize: treeSize, proof: hashes, root: root)
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
    /// The inclusion proof of the record at `sequence` in the log's first `size` records
    /// (the head when `nil`), read in one snapshot.
    public func inclusionProof(of sequence: UInt64, in size: UInt64? = nil) throws -> InclusionProof {
        try environment.read { txn in
            let head = try head(in: txn)
            let size = size ?? head.sequence
            guard sequence >= 1, sequence <= size, size <= head.sequence else {
                throw CheckpointError("cannot prove record \(sequence) in a tree of size \(size): the log holds \(head.sequence) records")
            }
            return try txn.withReader { reader in
                let leaf = leafHashes(reader)
                return InclusionProof(
                    sequence: sequence, treeSize: size, leafHash: try leaf(sequence - 1), root: try Proof.root(of: 0..<size, leafHash: leaf),
                    hashes: try Proof.inclusion(leafIndex: sequence - 1, treeSize: size, leafHash: leaf))
            }
        }
    }

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
                let leaf = leafHashes(reader)
                return ConsistencyProof(
                    oldSize: oldSize, newSize: newSize,
                    oldRoot: try Proof.root(of: 0..<oldSize, leafHash: leaf), newRoot: try Proof.root(of: 0..<newSize, leafHash: leaf),
                    hashes: try Proof.consistency(from: oldSize, to: newSize, leafHash: leaf))
            }
        }
    }

    /// The Merkle tree's leaf hashes as `reader` reads them: leaf `index` is record `index + 1`'s chain hash.
    private func leafHashes(_ reader: TransactionReader) -> (UInt64) throws -> Hash {
        { index in
            guard let hash = try self.chainHash(at: index + 1, in: reader) else {
                throw CheckpointError("record \(index + 1) is missing from the log")
            }
            return hash
        }
    }
}
