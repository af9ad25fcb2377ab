import Crypto

/// RFC 9162 §2.1.1 hashing: leaves and interior nodes are hashed with distinct
/// one-byte prefixes, so a leaf can never be passed off as a node.
public enum TreeHash {
    /// Prefix of a leaf hash input.
    public static let leafPrefix: UInt8 = 0x00
    /// Prefix of an interior node hash input.
    public static let nodePrefix: UInt8 = 0x01

    /// The root of the empty tree: SHA-256 of the empty string.
    public static let emptyRoot = Hash(SHA256.hash(data: [UInt8]()))

    /// SHA-256(0x00 ‖ entry).
    public static func leaf(_ entry: UnsafeRawBufferPointer) -> Hash {
        var hasher = SHA256()
        withUnsafeBytes(of: leafPrefix) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: entry)
        return Hash(hasher.finalize())
    }

    /// SHA-256(0x00 ‖ entry).
    public static func leaf(_ entry: [UInt8]) -> Hash {
        entry.withUnsafeBytes { leaf($0) }
    }

    /// SHA-256(0x01 ‖ left ‖ right).
    public static func node(_ left: Hash, _ right: Hash) -> Hash {
        var hasher = SHA256()
        withUnsafeBytes(of: nodePrefix) { hasher.update(bufferPointer: $0) }
        left.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        right.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Hash(hasher.finalize())
    }
}
