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
    /// Recomputes the hash chain and the Merkle root from the stored records, in one
    /// snapshot and in constant memory, and checks them against the stored head.
    ///
    /// - Parameter progress: called now and then with (records checked, records in all).
    /// - Throws: `VerificationFailure` naming the first bad sequence.
    public func verify(progress: ((UInt64, UInt64) -> Void)? = nil) throws -> VerificationReport {
        try environment.read { txn in
            let head = try HeadState(txn, self)
            var checked: UInt64 = 0
            var previous = ChainHash.genesis
            var edge = CompactRange()
            try txn.withCursor(log) { cursor in
                var entry = try cursor.first()
                while let (key, value) = entry {
                    let sequence = checked + 1
                    guard key.count == 8, let stored = BigEndian.uint64(key) else {
                        throw VerificationFailure(sequence: sequence, reason: "a log key of \(key.count) bytes is not a sequence")
                    }
                    guard stored == sequence else {
                        throw VerificationFailure(
                            sequence: sequence, reason: "the record is missing (the next record is stored at \(stored))")
                    }
                    // Hashing first brings the record into cache for the header walk.
                    let hash = ChainHash.of(value)
                    guard let header = RecordHeader(value) else {
                        throw VerificationFailure(sequence: sequence, reason: "the record is not a well-formed protobuf message")
                    }
                    guard header.sequence == sequence else {
                        throw VerificationFailure(
                            sequence: sequence, reason: "the record says sequence \(header.sequence) but is stored at \(sequence)")
                    }
                    guard previous.matches(header.previousHash) else {
                        throw try brokenLink(at: sequence, hash: hash, cursor: &cursor, headHash: head.chainHash)
                    }
                    edge.append(hash)
                    previous = hash
                    checked = sequence
                    if checked & 0xFFFF == 0 { progress?(checked, head.sequence) }
                    entry = try cursor.next()
                }
            }
            guard checked == head.sequence else {
                throw VerificationFailure(
                    sequence: min(checked, head.sequence) + 1,
                    reason: "the head says the log holds \(head.sequence) records but \(checked) are stored")
            }
            guard previous == head.chainHash else {
                throw VerificationFailure(
                    sequence: checked, reason: "the last record's chain hash \(previous.hex) differs from the head's \(head.chainHash.hex)")
            }
            let root = edge.root
            guard root == head.edge.root else {
                throw VerificationFailure(
                    sequence: checked, reason: "computed Merkle root \(root.hex) differs from the stored \(head.edge.root.hex)")
            }
            progress?(checked, head.sequence)
            return VerificationReport(records: checked, chainHash: previous, merkleRoot: root)
        }
    }

    /// Record `sequence` does not carry the chain hash of its predecessor: decides which
    /// of the two was altered by checking whether the next link (or the head) still
    /// vouches for record `sequence`.
    private func brokenLink(
        at sequence: UInt64, hash: Hash, cursor: inout Cursor, headHash: Hash
    ) throws -> VerificationFailure {
        let vouched: Bool
        if let next = try cursor.next() {
            vouched = RecordHeader(next.value).map { hash.matches($0.previousHash) } ?? false
        } else {
            vouched = hash == headHash
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
