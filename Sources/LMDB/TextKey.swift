import Foundation

/// A key given as text: its UTF-8 bytes, read in place rather than copied into an array.
public struct TextKey: ContiguousBytes {
    public let text: String

    public init(_ text: String) { self.text = text }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var text = text
        return try text.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }
}
