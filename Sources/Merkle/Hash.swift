import Foundation

/// A SHA-256 hash (a leaf, a node or a root), held inline: hashing a log of millions
/// of records allocates nothing per hash.
public struct Hash: Hashable, Sendable, CustomStringConvertible {
    private var words: (UInt64, UInt64, UInt64, UInt64)

    /// 32 zero bytes.
    public static let zero = Hash(words: (0, 0, 0, 0))

    private init(words: (UInt64, UInt64, UInt64, UInt64)) { self.words = words }

    /// The hash that `write` stores into 32 bytes.
    init(writing write: (UnsafeMutablePointer<UInt8>) -> Void) {
        self = .zero
        withUnsafeMutableBytes(of: &words) { write($0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
    }

    /// The hash with these 32 bytes; `nil` for any other count.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        self = .zero
        withUnsafeMutableBytes(of: &words) { target in
            for (i, byte) in bytes.enumerated() { target[i] = byte }
        }
    }

    /// The hash written as 64 hexadecimal digits (`0`–`9`, `a`–`f`, `A`–`F`, nothing else:
    /// no sign); `nil` otherwise.
    public init?(hex: some StringProtocol) {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: 64, by: 2) {
            guard let high = digits[i].hexDigitValue, let low = digits[i + 1].hexDigitValue else { return nil }
            bytes.append(high << 4 | low)
        }
        self.init(bytes: bytes)
    }

    /// The 32 bytes, in order.
    public var bytes: [UInt8] { withUnsafeBytes(Array.init) }

    /// Calls `body` with the 32 bytes.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: words, body)
    }

    /// Whether `bytes` are exactly this hash's 32 bytes.
    public func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count == 32 && withUnsafeBytes { memcmp($0.baseAddress!, bytes.baseAddress!, 32) == 0 }
    }

    /// Lowercase hexadecimal.
    public var hex: String { bytes.hex }

    public var description: String { hex }

    public static func == (lhs: Hash, rhs: Hash) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1
            && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

extension Array where Element == UInt8 {
    /// Lowercase hexadecimal.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(count * 2)
        for b in self {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension UInt8 {
    /// The value of this ASCII hexadecimal digit (`0`–`9`, `a`–`f`, `A`–`F`), or `nil` if it
    /// is not one (a sign, say, which `UInt8(_:radix:)` would take).
    @inlinable public var hexDigitValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): self - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): self - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
