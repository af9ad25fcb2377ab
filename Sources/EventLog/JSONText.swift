import Foundation

/// JSON text written byte by byte, exactly as Foundation's `JSONSerialization` writes the
/// same values with `.sortedKeys` and `.withoutEscapingSlashes`: the caller writes an
/// object's members in `JSONText.sortedKeys` order. The log's JSON lines are written with
/// it: `JSONSerialization` took about 450 µs a record, most of it comparing keys with a
/// locale made anew each time (`attest-bench encode`).
public struct JSONText {
    public private(set) var bytes: [UInt8] = []
    /// Whether each object or array open has a value yet, a bit a level (the innermost
    /// lowest); a set bit when it has.
    private var hasValue: UInt64 = 0
    /// How many objects and arrays are open: at most 64.
    private var depth = 0

    /// An empty text, with room for `capacity` bytes.
    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// The text as a `String`.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Starts an object, as a value or a member's value.
    public mutating func openObject() { open(UInt8(ascii: "{")) }

    public mutating func closeObject() { close(UInt8(ascii: "}")) }

    /// Starts an array, as a value or a member's value.
    public mutating func openArray() { open(UInt8(ascii: "[")) }

    public mutating func closeArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ bracket: UInt8) {
        precondition(depth < 64, "JSONText nests at most 64 objects and arrays")
        beginValue()
        bytes.append(bracket)
        hasValue <<= 1
        depth += 1
    }

    private mutating func close(_ bracket: UInt8) {
        hasValue >>= 1
        depth -= 1
        bytes.append(bracket)
    }

    /// Writes a member's name; its value follows.
    public mutating func key(_ name: String) {
        beginValue()
        quoted(name)
        bytes.append(UInt8(ascii: ":"))
        // The value that follows is this member's, not the next element of the object.
        hasValue &= ~1
    }

    public mutating func string(_ value: String) {
        beginValue()
        quoted(value)
    }

    public mutating func number(_ value: Int64) {
        beginValue()
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func number(_ value: UInt64) {
        beginValue()
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func bool(_ value: Bool) {
        beginValue()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Writes `text`, already JSON, as one value.
    public mutating func value(_ text: [UInt8]) {
        beginValue()
        bytes.append(contentsOf: text)
    }

    /// A comma before any value but the first of its object or array; after a key, none.
    private mutating func beginValue() {
        if hasValue & 1 == 1 { bytes.append(UInt8(ascii: ",")) } else { hasValue |= 1 }
    }

    /// `value` in double quotes: `"` and `\` escaped, and the control characters below
    /// U+0020 as `\b \t \n \f \r` or `\u00XX`; all else (U+007F, U+2028, any non-ASCII) as
    /// it is, in UTF-8.
    private mutating func quoted(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: value.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case 0x08: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "b"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0C: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "f"))
            case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0..<0x20:
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `names` in the order `JSONSerialization` writes an object's keys with `.sortedKeys`:
    /// numbers within them by value, letters without regard to case first (`a9`, `a10`,
    /// `sampled`, `sampleId`). Compared in the root locale, so that the order is the same
    /// whatever the machine's locale.
    public static func sortedKeys(_ names: [String]) -> [String] {
        names.sorted { $0.compare($1, options: [.numeric, .caseInsensitive, .forcedOrdering], range: nil, locale: Self.root) == .orderedAscending }
    }

    private static let root = Locale(identifier: "")
}
