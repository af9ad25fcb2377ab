/// Inclusion and consistency proofs of RFC 9162 §2.1.3 and §2.1.4.
///
/// Proofs are generated from any source of leaf hashes (a closure from leaf index to
/// hash), following the RFC's recursive definitions, and verified with the RFC's
/// iterative algorithms.
public enum Proof {
    /// The audit path proving that leaf `index` is in the tree of the first `size` leaves.
    public static func inclusion(
        leafIndex index: UInt64, treeSize size: UInt64, leafHash: (UInt64) throws -> Hash
    ) throws -> [Hash] {
        guard index < size else { throw ProofError.indexBeyondSize(index: index, size: size) }
        return try path(index, 0..<size, leafHash)
    }

    /// The proof that the tree of the first `oldSize` leaves is a prefix of the tree of the first `newSize`.
    public static func consistency(
        from oldSize: UInt64, to newSize: UInt64, leafHash: (UInt64) throws -> Hash
    ) throws -> [Hash] {
        guard oldSize <= newSize else { throw ProofError.sizesOutOfOrder(old: oldSize, new: newSize) }
        guard oldSize > 0, oldSize < newSize else { return [] }
        return try subproof(oldSize, 0..<newSize, true, leafHash)
    }

    /// The root of the tree over leaves `range` (RFC 9162 MTH), computed from the leaves.
    public static func root(of range: Range<UInt64>, leafHash: (UInt64) throws -> Hash) rethrows -> Hash {
        switch range.count {
        case 0: return TreeHash.emptyRoot
        case 1: return try leafHash(range.lowerBound)
        default:
            let split = range.lowerBound + largestPowerOfTwo(below: UInt64(range.count))
            return TreeHash.node(
                try root(of: range.lowerBound..<split, leafHash: leafHash),
                try root(of: split..<range.upperBound, leafHash: leafHash))
        }
    }

    /// Checks that `leafHash` at `index` is in the tree of `size` leaves with root `root`.
    public static func verifyInclusion(
        leafHash: Hash, leafIndex index: UInt64, treeSize size: UInt64, proof: [Hash], root: Hash
    ) throws {
        guard index < size else { throw ProofError.indexBeyondSize(index: index, size: size) }
        var r = leafHash
        try climb(proof, from: index, last: size - 1, proofCount: proof.count) { p, onLeft in
            r = onLeft ? TreeHash.node(p, r) : TreeHash.node(r, p)
        }
        guard r == root else { throw ProofError.rootMismatch(computed: r, expected: root) }
    }

    /// Checks that the tree of `oldSize` leaves with root `oldRoot` is a prefix of the
    /// tree of `newSize` leaves with root `newRoot`.
    public static func verifyConsistency(
        oldSize: UInt64, newSize: UInt64, oldRoot: Hash, newRoot: Hash, proof: [Hash]
    ) throws {
        guard oldSize <= newSize else { throw ProofError.sizesOutOfOrder(old: oldSize, new: newSize) }
        if oldSize == newSize || oldSize == 0 {
            guard proof.isEmpty else { throw ProofError.wrongLength(proof.count) }
            if oldSize == newSize, oldRoot != newRoot {
                throw ProofError.rootMismatch(computed: oldRoot, expected: newRoot)
            }
            return
        }
        guard !proof.isEmpty else { throw ProofError.wrongLength(0) }
        var path = proof
        if oldSize.nonzeroBitCount == 1 { path.insert(oldRoot, at: 0) }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        try climb(path.dropFirst(), from: fn, last: sn, proofCount: proof.count) { c, onLeft in
            if onLeft {
                fr = TreeHash.node(c, fr)
                sr = TreeHash.node(c, sr)
            } else {
                sr = TreeHash.node(sr, c)
            }
        }
        guard fr == oldRoot else { throw ProofError.rootMismatch(computed: fr, expected: oldRoot) }
        guard sr == newRoot else { throw ProofError.rootMismatch(computed: sr, expected: newRoot) }
    }

    /// The walk up the tree that both verifications of RFC 9162 (§2.1.3.2 and §2.1.4.2)
    /// make: from node `fn` of a level whose last node is `sn`, each hash of `path` is
    /// handed to `combine` with whether it is the sibling on the left. The walk must reach
    /// the root exactly as `path` ends, or the proof, of `proofCount` hashes, has the wrong length.
    private static func climb(
        _ path: some Sequence<Hash>, from fn: UInt64, last sn: UInt64, proofCount: Int, _ combine: (Hash, _ onLeft: Bool) -> Void
    ) throws {
        var (fn, sn) = (fn, sn)
        for hash in path {
            guard sn != 0 else { throw ProofError.wrongLength(proofCount) }
            let onLeft = fn & 1 == 1 || fn == sn
            combine(hash, onLeft)
            if onLeft {
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw ProofError.wrongLength(proofCount) }
    }

    /// RFC 9162 §2.1.3.1 PATH(m, D[range]).
    private static func path(
        _ m: UInt64, _ range: Range<UInt64>, _ leafHash: (UInt64) throws -> Hash
    ) throws -> [Hash] {
        guard range.count > 1 else { return [] }
        let k = largestPowerOfTwo(below: UInt64(range.count))
        let split = range.lowerBound + k
        if m < k {
            return try path(m, range.lowerBound..<split, leafHash)
                + [root(of: split..<range.upperBound, leafHash: leafHash)]
        }
        return try path(m - k, split..<range.upperBound, leafHash)
            + [root(of: range.lowerBound..<split, leafHash: leafHash)]
    }

    /// RFC 9162 §2.1.4.1 SUBPROOF(m, D[range], b).
    private static func subproof(
        _ m: UInt64, _ range: Range<UInt64>, _ whole: Bool, _ leafHash: (UInt64) throws -> Hash
    ) throws -> [Hash] {
        if m == UInt64(range.count) {
            return whole ? [] : [try root(of: range, leafHash: leafHash)]
        }
        let k = largestPowerOfTwo(below: UInt64(range.count))
        let split = range.lowerBound + k
        if m <= k {
            return try subproof(m, range.lowerBound..<split, whole, leafHash)
                + [root(of: split..<range.upperBound, leafHash: leafHash)]
        }
        return try subproof(m - k, split..<range.upperBound, false, leafHash)
            + [root(of: range.lowerBound..<split, leafHash: leafHash)]
    }

    /// The largest power of two strictly less than `n` (n ≥ 2).
    static func largestPowerOfTwo(below n: UInt64) -> UInt64 {
        UInt64(1) << (63 - (n - 1).leadingZeroBitCount)
    }
}

/// Why a proof was refused, with what was computed and what was expected.
public enum ProofError: Error, Equatable, CustomStringConvertible {
    case indexBeyondSize(index: UInt64, size: UInt64)
    case sizesOutOfOrder(old: UInt64, new: UInt64)
    case wrongLength(Int)
    case rootMismatch(computed: Hash, expected: Hash)

    public var description: String {
        switch self {
        case let .indexBeyondSize(index, size): "leaf index \(index) is not in a tree of size \(size)"
        case let .sizesOutOfOrder(old, new): "old size \(old) is larger than new size \(new)"
        case let .wrongLength(count): "a proof of \(count) hashes has the wrong length for these sizes"
        case let .rootMismatch(computed, expected):
            "computed root \(computed.hex) but expected \(expected.hex)"
        }
    }
}
