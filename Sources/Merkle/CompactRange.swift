/// The right edge of a Merkle tree: the roots of the perfect subtrees that make up
/// a tree of `size` leaves, largest first (one per set bit of `size`).
///
/// Appending a leaf costs O(log n) hashes and the root is O(log n), so a log never
/// rescans its leaves to know its root.
public struct CompactRange: Equatable, Sendable {
    /// Number of leaves covered.
    public private(set) var size: UInt64
    /// Perfect subtree roots, from the leftmost (largest) to the rightmost (smallest).
    public private(set) var hashes: [Hash]

    /// The range of an empty tree.
    public init() {
        size = 0
        hashes = []
    }

    /// Adds one leaf hash at the right edge.
    public mutating func append(_ leafHash: Hash) {
        var hash = leafHash
        var bits = size
        while bits & 1 == 1 {
            hash = TreeHash.node(hashes.removeLast(), hash)
            bits >>= 1
        }
        hashes.append(hash)
        size += 1
    }

    /// The RFC 9162 root of the tree covered by this range.
    public var root: Hash {
        guard var result = hashes.last else { return TreeHash.emptyRoot }
        for hash in hashes.dropLast().reversed() {
            result = TreeHash.node(hash, result)
        }
        return result
    }

    /// Stored form: the size as 8 big-endian bytes, then the 32-byte hashes in order.
    public var encoded: [UInt8] {
        var bytes = withUnsafeBytes(of: size.bigEndian, Array.init)
        for hash in hashes { bytes += hash.bytes }
        return bytes
    }

    /// Reads the stored form; `nil` when the bytes do not describe a valid range.
    public init?(encoded bytes: some Collection<UInt8>) {
        let bytes = Array(bytes)
        guard bytes.count >= 8, (bytes.count - 8) % 32 == 0 else { return nil }
        let size = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let hashes = stride(from: 8, to: bytes.count, by: 32).map { Hash(bytes: bytes[$0..<$0 + 32])! }
        guard hashes.count == size.nonzeroBitCount else { return nil }
        self.size = size
        self.hashes = hashes
    }
}
