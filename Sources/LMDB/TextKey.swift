import Foundation

/// A key given as text: its UTF-8 bytes, read in place rather than copied into an array.
public struct TextKey: ContiguousBytes {
    public let text: String

    public init(_ text: String) { self.text = text }

    /// Whether an entry can be stored under it (lmdb.h: a key is 1 to 511 bytes): no entry
    /// is stored under a longer or an empty one.
    public var isStorable: Bool { (1...511).contains(text.utf8.count) }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var text = text
        return try text.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }
}
