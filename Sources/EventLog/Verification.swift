import LMDB
import Merkle

/// What a successful verification established.
public struct VerificationReport: Sendable, Equatable {
    /// The number of records checked (the head sequence).
    public let records: UInt64
    public let chainHash: Hash
    public let merkleRoot: Hash
}

/// The first place where the stored log is not what it claims to be.
public struct VerificationFailure: Error, Equatable, CustomStringConvertible {
    /// The first sequence found altered, missing or out of place.
    public let sequence: UInt64
    public let reason: String

    public var description: String { "sequence \(sequence): \(reason)" }
}

extension EventLog {
    /// Recomputes the hash chain and the Merkle root from the stored records, in constant
    /// memory, and checks them against the head stored when it began. The records are read
    /// in short read transactions (`readStored(from:through:)`), so appends may go on
    /// meanwhile without the store growing; the chain and the Merkle tree's right edge carry
    /// over from one to the next.
    ///
    /// - Parameter progress: called now and then with (records checked, records in all).
    /// - Throws: `VerificationFailure` naming the first bad sequence.
    public func verify(progress: ((UInt64, UInt64) -> Void)? = nil) throws -> VerificationReport {
        let (head, stored) = try environment.read { txn in (try HeadState(txn, self), try lastStoredSequence(in: txn)) }
        guard stored <= head.sequence else {
            throw VerificationFailure(
                sequence: head.sequence + 1,
                reason: "the head says the log holds \(head.sequence) records but \(stored) are stored")
        }
        var chain = ChainVerifier()
        try readStored(through: head.sequence) { bytes, following in
            try chain.append(bytes, following: following, endHash: head.chainHash)
            if chain.records & 0xFFFF == 0 { progress?(chain.records, head.sequence) }
            return true
        }
        let checked = chain.records, previous = chain.chainHash
        guard checked == head.sequence else {
            throw VerificationFailure(
                sequence: min(checked, head.sequence) + 1,
                reason: "the head says the log holds \(head.sequence) records but \(checked) are stored")
        }
        guard previous == head.chainHash else {
            throw VerificationFailure(
                sequence: checked, reason: "the last record's chain hash \(previous.hex) differs from the head's \(head.chainHash.hex)")
        }
        let root = chain.edge.root
        guard root == head.edge.root else {
            throw VerificationFailure(
                sequence: checked, reason: "computed Merkle root \(root.hex) differs from the stored \(head.edge.root.hex)")
        }
        progress?(checked, head.sequence)
        return VerificationReport(records: checked, chainHash: previous, merkleRoot: root)
    }
}

/// Checks records one at a time, in order, as a chain: each is a well-formed record,
/// numbered one after its predecessor and carrying its predecessor's chain hash. It keeps
/// the Merkle tree's right edge as it goes, so memory stays flat however long the log.
public struct ChainVerifier: Sendable {
    /// The records checked so far.
    public private(set) var records: UInt64 = 0
    /// The chain hash of the last record checked (32 zero bytes before the first).
    public private(set) var chainHash = ChainHash.genesis
    /// The right edge of the Merkle tree over the records checked.
    public private(set) var edge = CompactRange()

    public init() {}

    /// Checks the next record's bytes and returns its chain hash.
    ///
    /// - Parameters:
    ///   - following: asked only when the record's link is broken: the record after it
    ///     (`nil` at the end), to tell which of the two was altered.
    ///   - endHash: the chain hash the last record should have, when known (a store's head).
    /// - Throws: `VerificationFailure` naming the first bad sequence.
    @discardableResult
    public mutating func append(
        _ bytes: UnsafeRawBufferPointer, following: () throws -> [UInt8]? = { nil }, endHash: Hash? = nil
    ) throws -> Hash {
        let sequence = records + 1
        // Hashing first brings the record into cache for the header walk.
        let hash = ChainHash.of(bytes)
        guard let header = RecordHeader(bytes) else {
            throw VerificationFailure(sequence: sequence, reason: "the record is not a well-formed protobuf message")
        }
        guard header.sequence == sequence else {
            let reason = header.sequence > sequence
                ? "the record is missing or out of place: record \(header.sequence) is stored where \(sequence) should be"
                : "the record says sequence \(header.sequence) but is stored at \(sequence)"
            throw VerificationFailure(sequence: sequence, reason: reason)
        }
        guard chainHash.matches(header.previousHash) else {
            throw try Self.brokenLink(at: sequence, hash: hash, following: following(), endHash: endHash)
        }
        edge.append(hash)
        chainHash = hash
        records = sequence
        return hash
    }

    /// Record `sequence` does not carry the chain hash of its predecessor: decides which
    /// of the two was altered by checking whether the next link (or the end's hash) still
    /// vouches for record `sequence`.
    private static func brokenLink(
        at sequence: UInt64, hash: Hash, following next: [UInt8]?, endHash: Hash?
    ) -> VerificationFailure {
        let vouched: Bool
        if let next {
            vouched = next.withUnsafeBytes { RecordHeader($0).map { hash.matches($0.previousHash) } ?? false }
        } else {
            vouched = hash == endHash
        }
        if vouched && sequence > 1 {
            return VerificationFailure(
                sequence: sequence - 1,
                reason: "the record's chain hash differs from the one record \(sequence) carries: its bytes were altered")
        }
        return VerificationFailure(
            sequence: sequence, reason: "the record's previous hash differs from the chain hash of record \(sequence - 1)")
    }
}
