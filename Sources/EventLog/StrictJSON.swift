import Foundation

/// How long and how deep input may be. Lengths are counted in UTF-8 bytes of the text a
/// string decodes to; a field's limits are looked up by its member name.
public struct InputLimits: Sendable {
    /// The longest line.
    public var lineBytes: Int
    /// The deepest nesting of objects and arrays.
    public var depth: Int
    /// The longest member name.
    public var nameBytes: Int
    /// The limits of the strings and lists under a member name.
    public var field: @Sendable (_ name: String) -> FieldLimit

    public init(lineBytes: Int, depth: Int, nameBytes: Int, field: @escaping @Sendable (_ name: String) -> FieldLimit) {
        self.lineBytes = lineBytes
        self.depth = depth
        self.nameBytes = nameBytes
        self.field = field
    }

    /// Lines of up to 1 MiB, free text everywhere: what a caller without a field table checks.
    public static let lenient = InputLimits(lineBytes: 1 << 20, depth: 16, nameBytes: 64) { _ in .text }

    /// A member name's field key and limits, remembered: the same few dozen names come
    /// back on every line, and working them out again costs more than reading the line.
    func member(_ name: String) -> (key: String, limit: FieldLimit) {
        if let known = members.lock.withLock({ members.byName[name] }) { return known }
        let key = StrictJSON.fieldKey(name)
        let found = (key, field(key))
        members.lock.withLock {
            // Bounded: names are the schema's, or a hostile input's, which must not grow it forever.
            if members.byName.count < 4096 { members.byName[name] = found }
        }
        return found
    }

    private let members = MemberCache()
}

/// The member names an `InputLimits` has looked up, shared by the threads that read input.
private final class MemberCache: @unchecked Sendable {
    let lock = NSLock()
    var byName: [String: (key: String, limit: FieldLimit)] = [:]
}

/// What a string under one member name may hold, and how many items a list of them may have.
public struct FieldLimit: Sendable, Equatable {
    /// What a string is.
    public enum Kind: String, Sendable {
        /// A reference or code: no spaces or control characters.
        case identifier
        /// Words: no control characters but tab and line breaks.
        case text
    }

    public var kind: Kind
    /// The longest string.
    public var bytes: Int
    /// The most items in a list.
    public var items: Int
    /// What the limit is called in a refusal ("an identifier", "free text").
    public var name: String

    public init(_ kind: Kind, bytes: Int, items: Int = 1000, name: String) {
        self.kind = kind
        self.bytes = bytes
        self.items = items
        self.name = name
    }

    /// What is wrong with `text` (UTF-8) as a value of this field, or `nil` if nothing is.
    public func problem(with text: some Collection<UInt8>) -> String? {
        if text.count > bytes { return "is \(text.count) bytes long; \(name) is at most \(bytes)" }
        switch kind {
        case .identifier:
            if text.contains(where: { $0 <= 0x20 || $0 == 0x7F }) {
                return "\(Quote.value(String(decoding: text, as: UTF8.self))) holds a space or control character, which \(name) may not"
            }
        case .text:
            if text.contains(where: { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F }) {
                return "holds a control character other than a tab or a line break"
            }
        }
        return nil
    }

    /// Free text of up to 8 KiB, in lists of up to 1,000.
    public static let text = FieldLimit(.text, bytes: 8192, name: "free text")
}

/// A strict reader of one JSON object (RFC 8259 as I-JSON, RFC 7493, narrows it): valid
/// UTF-8 only, no member name twice in an object, numbers and escapes exactly as the
/// grammar has them, and every string, list and nesting within `InputLimits`. It builds no
/// values: it hands back the top-level members with the byte range of each value, so an
/// event line's payload reaches its decoder as the bytes it was written as.
///
/// A refusal names the member it is about by its path, such as `payload.decisions[2].criterion`.
public struct StrictJSON {
    /// The bytes being read; valid only inside `members(of:limits:)`.
    private let bytes: UnsafeBufferPointer<UInt8>
    private let limits: InputLimits
    private var i = 0
    /// How many objects and lists the reader is inside.
    private var depth = 0

    /// A refusal on its way out: each object and list it passes through puts its step in
    /// front of the path, so no path is kept while nothing is wrong.
    private struct Refusal: Error {
        enum Step {
            case member(String)
            case item(Int)
        }

        var path: [Step] = []
        let problem: String

        /// The refusal as a reader sees it, such as `"payload.units[1]" is …`.
        var lineError: EventLineError {
            var place = ""
            for step in path {
                switch step {
                case let .member(name): place += place.isEmpty ? name : "." + name
                case let .item(index): place += "[\(index)]"
                }
            }
            return EventLineError(place.isEmpty ? problem : "\(Quote.value(place)) \(problem)")
        }
    }

    /// The members of the object that `bytes` holds, in order, after checking all of it;
    /// each value's range is in `bytes`' indices.
    /// - Throws: `EventLineError` naming what is wrong and where.
    public static func members(of bytes: ArraySlice<UInt8>, limits: InputLimits) throws -> [(name: String, value: Range<Int>)] {
        try bytes.withUnsafeBufferPointer { buffer in
            var reader = StrictJSON(bytes: buffer, limits: limits)
            reader.skipSpace()
            guard reader.peek == UInt8(ascii: "{") else {
                throw EventLineError(reader.peek == nil ? "is empty" : "is not a JSON object")
            }
            var members: [(String, Range<Int>)] = []
            let offset = bytes.startIndex
            do {
                try reader.object { name, range in members.append((name, (range.lowerBound + offset)..<(range.upperBound + offset))) }
            } catch let refusal as Refusal {
                throw refusal.lineError
            }
            reader.skipSpace()
            guard reader.i == buffer.count else { throw EventLineError("has more after the end of its JSON object") }
            return members
        }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, limits: InputLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    // MARK: values

    /// Reads an object, telling `member` of each member; names are compared as protobuf's
    /// JSON reader matches them (`learner_id` is `learnerId`), so a field cannot be given twice.
    private mutating func object(_ member: (String, Range<Int>) -> Void = { _, _ in }) throws {
        try enter()
        i += 1
        var seen = SeenNames()
        skipSpace()
        if peek == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return
        }
        while true {
            skipSpace()
            guard peek == UInt8(ascii: "\"") else { throw error("is not valid JSON: a member name was expected") }
            let name = try string(limit: FieldLimit(.text, bytes: limits.nameBytes, name: "a member name"), isName: true)
            let (key, limit) = limits.member(name)
            if let earlier = seen.insert(name, key: key) {
                throw error(earlier == name ? "has \(Quote.value(name)) twice" : "has \(Quote.value(name)) and \(Quote.value(earlier)), the same field twice")
            }
            skipSpace()
            try expect(":", "a colon after member \(Quote.value(name))")
            skipSpace()
            let start = i
            do {
                try value(limit)
            } catch var refusal as Refusal {
                refusal.path.insert(.member(name), at: 0)
                throw refusal
            }
            member(name, start..<i)
            skipSpace()
            if peek == UInt8(ascii: ",") { i += 1; continue }
            try expect("}", "a comma or the end of the object")
            depth -= 1
            return
        }
    }

    /// Reads one value, whose strings and lists are held to `limit`.
    private mutating func value(_ limit: FieldLimit) throws {
        switch peek {
        case UInt8(ascii: "{"): try object()
        case UInt8(ascii: "["): try array(limit)
        case UInt8(ascii: "\""): _ = try string(limit: limit, isName: false)
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case .some(UInt8(ascii: "-")), .some(UInt8(ascii: "0")...UInt8(ascii: "9")): try number()
        case nil: throw error("is not valid JSON: it ends where a value was expected")
        default: throw error("is not valid JSON: a value was expected")
        }
    }

    private mutating func array(_ limit: FieldLimit) throws {
        try enter()
        i += 1
        skipSpace()
        if peek == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return
        }
        var count = 0
        while true {
            count += 1
            if count > limit.items { throw error("has more than \(limit.items) items") }
            skipSpace()
            do {
                try value(limit)
            } catch var refusal as Refusal {
                refusal.path.insert(.item(count - 1), at: 0)
                throw refusal
            }
            skipSpace()
            if peek == UInt8(ascii: ",") { i += 1; continue }
            try expect("]", "a comma or the end of the list")
            depth -= 1
            return
        }
    }

    /// Steps into an object or list, refusing nesting deeper than the limit.
    private mutating func enter() throws {
        depth += 1
        if depth > limits.depth { throw error("is nested more than \(limits.depth) deep") }
    }

    /// Reads a string and checks it against `limit`; returns its text for a member name,
    /// an empty string otherwise (values are decoded by their own readers).
    private mutating func string(limit: FieldLimit, isName: Bool) throws -> String {
        i += 1
        let start = i
        var escaped = false
        var ascii = true
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                i += 2
                continue
            }
            if byte < 0x20 { throw error("is not valid JSON: a string holds a control character; write it as an escape") }
            if byte >= 0x80 { ascii = false }
            i += 1
        }
        guard i < bytes.count else { throw error("is not valid JSON: a string is not closed") }
        let contents = UnsafeBufferPointer(rebasing: bytes[start..<i])
        i += 1
        if escaped {
            guard let text = Self.unescape(contents) else { throw error("is not valid JSON: a string has an invalid escape") }
            return try check(text, limit, isName)
        }
        if !ascii, String(validating: contents, as: UTF8.self) == nil { throw error("is not valid UTF-8") }
        return try check(contents, limit, isName)
    }

    /// Holds a string's text to its limit; returns it for a member name.
    private func check(_ text: some Collection<UInt8>, _ limit: FieldLimit, _ isName: Bool) throws -> String {
        if isName, text.count > limit.bytes {
            throw error("has a member name of \(text.count) bytes; names are at most \(limit.bytes)")
        }
        if let problem = limit.problem(with: text) { throw error(problem) }
        return isName ? String(decoding: text, as: UTF8.self) : ""
    }

    private mutating func number() throws {
        let start = i
        if peek == UInt8(ascii: "-") { i += 1 }
        if peek == UInt8(ascii: "0") {
            i += 1
        } else if digits() == 0 {
            throw error("is not valid JSON: a number is malformed")
        }
        if peek == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw error("is not valid JSON: a number is malformed") }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw error("is not valid JSON: a number is malformed") }
        }
        if i - start > 64 { throw error("is a number of more than 64 characters") }
        guard peek.map(Self.endsValue) ?? true else { throw error("is not valid JSON: a number is malformed") }
    }

    private mutating func digits() -> Int {
        let start = i
        while i < bytes.count, bytes[i] &- UInt8(ascii: "0") < 10 { i += 1 }
        return i - start
    }

    private mutating func literal(_ word: StaticString) throws {
        let end = i + word.utf8CodeUnitCount
        guard end <= bytes.count,
              bytes[i..<end].elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)),
              end == bytes.count || Self.endsValue(bytes[end])
        else { throw error("is not valid JSON: a value was expected") }
        i = end
    }

    private mutating func expect(_ character: Unicode.Scalar, _ what: @autoclosure () -> String) throws {
        guard peek == UInt8(ascii: character) else { throw error("is not valid JSON: \(what()) was expected") }
        i += 1
    }

    private mutating func skipSpace() {
        while i < bytes.count, case let byte = bytes[i], byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { i += 1 }
    }

    private var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    private static func endsValue(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
            || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
    }

    // MARK: names and refusals

    /// A member name as protobuf's JSON reader matches it: ASCII letters in lower case,
    /// without underscores.
    public static func fieldKey(_ name: String) -> String {
        var utf8 = Array(name.utf8)
        utf8.removeAll { $0 == UInt8(ascii: "_") }
        for index in utf8.indices where utf8[index] &- UInt8(ascii: "A") < 26 { utf8[index] += 32 }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// A refusal of what the reader is at; the objects and lists around it add where.
    private func error(_ problem: String) -> Refusal { Refusal(problem: problem) }

    /// The names an object has given, to refuse one given twice: a short list searched in
    /// turn, and a dictionary once an object has more members than a schema's message.
    private struct SeenNames {
        private var few: [(key: String, name: String)] = []
        private var many: [String: String]?

        /// Notes `name` (field key `key`); returns the name given earlier for the same key, if any.
        mutating func insert(_ name: String, key: String) -> String? {
            if many != nil { return many?.updateValue(name, forKey: key) }
            if let earlier = few.first(where: { $0.key == key }) { return earlier.name }
            few.append((key, name))
            if few.count > 32 { many = Dictionary(few.map { ($0.key, $0.name) }, uniquingKeysWith: { first, _ in first }) }
            return nil
        }
    }

    // MARK: escapes

    /// The UTF-8 bytes of an escaped string's contents; `nil` when an escape is invalid
    /// (unknown, short, or a UTF-16 surrogate without its pair) or the text is not UTF-8.
    static func unescape<Bytes: RandomAccessCollection<UInt8>>(_ contents: Bytes) -> [UInt8]? where Bytes.Index == Int {
        var out: [UInt8] = []
        out.reserveCapacity(contents.count)
        var j = contents.startIndex
        func hex4() -> UInt32? {
            guard j + 4 <= contents.endIndex else { return nil }
            var value: UInt32 = 0
            for byte in contents[j..<(j + 4)] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            j += 4
            return value
        }
        while j < contents.endIndex {
            let byte = contents[j]
            j += 1
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                continue
            }
            guard j < contents.endIndex else { return nil }
            let kind = contents[j]
            j += 1
            switch kind {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(kind)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4() else { return nil }
                if (0xD800..<0xDC00).contains(scalar) {
                    guard j + 2 <= contents.endIndex, contents[j] == UInt8(ascii: "\\"), contents[j + 1] == UInt8(ascii: "u") else { return nil }
                    j += 2
                    guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    return nil
                }
                guard let unicode = Unicode.Scalar(scalar) else { return nil }
                out.append(contentsOf: UTF8.encode(unicode)!)
            default:
                return nil
            }
        }
        return String(validating: out, as: UTF8.self) == nil ? nil : out
    }
}
