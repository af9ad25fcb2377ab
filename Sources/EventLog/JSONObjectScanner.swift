import Foundation

/// Splits a JSON object into its members without building values: each member's key and
/// the byte range of its value in the input. Strings, nesting and escapes are followed
/// exactly; scalar values are delimited, not checked (their readers check them).
///
/// Parsing an event line this way hands the payload's own bytes to the payload's
/// decoder, instead of building a dictionary and writing it out again.
struct JSONObjectScanner {
    private let bytes: [UInt8]
    private var i = 0

    /// The members of the object in `bytes`, in order. - Throws: `EventLineError` when
    /// the bytes are not one JSON object.
    static func members(of bytes: [UInt8]) throws -> [(key: String, value: Range<Int>)] {
        var scanner = JSONObjectScanner(bytes: bytes)
        let members = try scanner.object()
        scanner.skipSpace()
        guard scanner.i == bytes.count else { throw EventLineError("is not valid JSON") }
        return members
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func object() throws -> [(key: String, value: Range<Int>)] {
        skipSpace()
        guard peek == UInt8(ascii: "{") else {
            throw EventLineError(i < bytes.count ? "is not a JSON object" : "is not valid JSON")
        }
        i += 1
        var members: [(String, Range<Int>)] = []
        skipSpace()
        if peek == UInt8(ascii: "}") {
            i += 1
            return members
        }
        while true {
            skipSpace()
            let keyRange = try string()
            guard let key = Self.decodeString(bytes[keyRange]) else { throw EventLineError("is not valid JSON") }
            skipSpace()
            try expect(":")
            skipSpace()
            let start = i
            try value()
            members.append((key, start..<i))
            skipSpace()
            if peek == UInt8(ascii: ",") { i += 1; continue }
            try expect("}")
            return members
        }
    }

    /// Skips one value of any kind.
    private mutating func value() throws {
        switch peek {
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            repeat {
                guard let byte = peek else { throw EventLineError("is not valid JSON") }
                switch byte {
                case UInt8(ascii: "\""): _ = try string(); continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                default: break
                }
                i += 1
            } while depth > 0
        default:
            let start = i
            while let byte = peek, !Self.delimiters.contains(byte) { i += 1 }
            guard i > start else { throw EventLineError("is not valid JSON") }
        }
    }

    /// Skips a string; returns the range of its contents (between the quotes, still escaped).
    private mutating func string() throws -> Range<Int> {
        try expect("\"")
        let start = i
        while let byte = peek {
            if byte == UInt8(ascii: "\\") { i += 2; continue }
            if byte == UInt8(ascii: "\"") {
                i += 1
                return start..<(i - 1)
            }
            if byte < 0x20 { break }
            i += 1
        }
        throw EventLineError("is not valid JSON")
    }

    private mutating func expect(_ character: Unicode.Scalar) throws {
        guard peek == UInt8(ascii: character) else { throw EventLineError("is not valid JSON") }
        i += 1
    }

    private mutating func skipSpace() {
        while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { i += 1 }
    }

    private var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    private static let delimiters: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")]

    /// The text of an escaped JSON string's contents; `nil` when the escapes are invalid.
    static func decodeString(_ contents: ArraySlice<UInt8>) -> String? {
        guard contents.contains(UInt8(ascii: "\\")) else { return String(decoding: contents, as: UTF8.self) }
        let quoted = [UInt8(ascii: "\"")] + contents + [UInt8(ascii: "\"")]
        return (try? JSONSerialization.jsonObject(with: Data(quoted), options: .fragmentsAllowed)) as? String
    }
}
