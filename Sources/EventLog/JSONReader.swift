import Merkle

/// A strict reader of JSON text (RFC 8259, narrowed as I-JSON, RFC 7493, narrows it),
/// one token at a time, over bytes that outlive it: valid UTF-8 only, numbers and escapes
/// exactly as the grammar has them, and every string, list and nesting within
/// `InputLimits`. It builds no values: its callers (`EventLine`, `PayloadReader`) say what
/// each member may hold, and turn what they read straight into what they make of it.
struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let limits: InputLimits
    /// The next byte to read.
    var i: Int
    /// How many objects and lists the reader is inside.
    private(set) var depth = 0

    /// A reader of `bytes` from `start`, inside `depth` objects and lists.
    init(_ bytes: UnsafeBufferPointer<UInt8>, limits: InputLimits, at start: Int = 0, depth: Int = 0) {
        self.bytes = bytes
        self.limits = limits
        i = start
        self.depth = depth
    }

    /// A member's name, where it is written in the text.
    struct Name {
        let range: Range<Int>
        /// Whether it holds escapes (then `name(_:)` unescapes it).
        let escaped: Bool
    }

    // MARK: objects and lists

    /// Steps into the object that comes next.
    mutating func beginObject() throws {
        skipSpace()
        guard peek == UInt8(ascii: "{") else { throw error("is not valid JSON: an object was expected") }
        try enter()
    }

    /// Steps over the comma before the next member and reads its name and the colon after
    /// it; `nil` at the end of the object, which is read. `count` is how many members the
    /// object has given so far, kept by the caller.
    mutating func nextMember(_ count: inout Int) throws -> Name? {
        guard try next(&count, closing: "}", "the object") else { return nil }
        guard peek == UInt8(ascii: "\"") else { throw error("is not valid JSON: a member name was expected") }
        let name = try readString(FieldLimit(.text, bytes: limits.nameBytes, name: "a member name"), isName: true) { _ in () }.name
        skipSpace()
        if peek != UInt8(ascii: ":") { throw error("is not valid JSON: a colon after member \(Quote.value(self.name(name))) was expected") }
        i += 1
        skipSpace()
        return name
    }

    /// Steps into the list that comes next (the caller has seen that `[` does).
    mutating func beginList() throws {
        try enter()
    }

    /// Steps over the comma before the next item; `false` at the end of the list, which
    /// is read. `count` is how many items the list has given so far, kept by the caller.
    mutating func nextItem(_ count: inout Int, limit: FieldLimit) throws -> Bool {
        guard try next(&count, closing: "]", "the list") else { return false }
        if count > limit.items { throw error("has more than \(limit.items) items") }
        return true
    }

    /// Steps over the comma before an object's or a list's next element and the spaces
    /// around it, counting it; `false` at the `closing` mark, which is read.
    private mutating func next(_ count: inout Int, closing: Unicode.Scalar, _ what: String) throws -> Bool {
        skipSpace()
        if peek == UInt8(ascii: closing) {
            i += 1
            depth -= 1
            return false
        }
        if count > 0 {
            guard peek == UInt8(ascii: ",") else { throw error("is not valid JSON: a comma or the end of \(what) was expected") }
            i += 1
            skipSpace()
        }
        count += 1
        return true
    }

    /// What `match` makes of a member's name as bytes, unescaped when it holds escapes.
    func match<R>(_ name: Name, _ match: (UnsafeBufferPointer<UInt8>) -> R?) -> R? {
        let written = UnsafeBufferPointer(rebasing: bytes[name.range])
        guard name.escaped else { return match(written) }
        return Self.unescape(written)?.withUnsafeBufferPointer(match)
    }

    /// The text of a member's name.
    func name(_ name: Name) -> String {
        let contents = UnsafeBufferPointer(rebasing: bytes[name.range])
        return String(decoding: name.escaped ? Self.unescape(contents) ?? [] : Array(contents), as: UTF8.self)
    }

    // MARK: values

    /// Reads a string and checks it against `limit`, handing its text (unescaped) to `body`.
    mutating func string<R>(_ limit: FieldLimit, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
        try readString(limit, isName: false, body).value
    }

    /// Reads a number exactly as the grammar has it, of at most 64 characters; returns
    /// where it is written and whether it is a whole number written without a fraction
    /// or an exponent.
    mutating func number() throws -> (range: Range<Int>, plain: Bool) {
        let start = i
        if peek == UInt8(ascii: "-") { i += 1 }
        if peek == UInt8(ascii: "0") {
            i += 1
        } else if digits() == 0 {
            throw error("is not valid JSON: a number is malformed")
        }
        var plain = true
        if peek == UInt8(ascii: ".") {
            i += 1
            plain = false
            guard digits() > 0 else { throw error("is not valid JSON: a number is malformed") }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            i += 1
            plain = false
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw error("is not valid JSON: a number is malformed") }
        }
        if i - start > 64 { throw error("is a number of more than 64 characters") }
        guard peek.map(Self.endsValue) ?? true else { throw error("is not valid JSON: a number is malformed") }
        return (start..<i, plain)
    }

    /// Reads `true`, `false` or `null` if it comes next; `nil` when something else does.
    mutating func literal() throws -> Literal? {
        let literal: Literal
        switch peek {
        case UInt8(ascii: "t"): literal = .true
        case UInt8(ascii: "f"): literal = .false
        case UInt8(ascii: "n"): literal = .null
        default: return nil
        }
        let word = literal.word
        let end = i + word.utf8CodeUnitCount
        guard end <= bytes.count,
              bytes[i..<end].elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)),
              end == bytes.count || Self.endsValue(bytes[end])
        else { throw error("is not valid JSON: a value was expected") }
        i = end
        return literal
    }

    enum Literal {
        case `true`, `false`, null

        var word: StaticString {
            switch self {
            case .true: "true"
            case .false: "false"
            case .null: "null"
            }
        }
    }

    /// Reads any value, checking all of it: objects may not give a field twice (under
    /// either spelling of its name), and strings and lists are held to the limits of the
    /// member they are under (`limit` at the top).
    mutating func skipValue(_ limit: FieldLimit) throws {
        switch peek {
        case UInt8(ascii: "{"):
            try beginObject()
            var seen = SeenNames(), count = 0
            while let name = try nextMember(&count) {
                let text = self.name(name)
                let key = InputLimits.fieldKey(text)
                if let earlier = seen.insert(text, key: key) {
                    throw given(text, twice: earlier)
                }
                let limit = limits.field(key)
                try within(.member(text)) { try $0.skipValue(limit) }
            }
        case UInt8(ascii: "["):
            try beginList()
            var count = 0
            while try nextItem(&count, limit: limit) {
                try within(.item(count - 1)) { try $0.skipValue(limit) }
            }
        case UInt8(ascii: "\""): try string(limit) { _ in }
        case .some(UInt8(ascii: "-")), .some(UInt8(ascii: "0")...UInt8(ascii: "9")): _ = try number()
        case nil: throw error("is not valid JSON: it ends where a value was expected")
        default:
            guard try literal() != nil else { throw error("is not valid JSON: a value was expected") }
        }
    }

    /// Runs `read` on this reader, putting `step` in front of the path of what it refuses.
    mutating func within<R>(_ step: JSONRefusal.Step, _ read: (inout JSONReader) throws -> R) throws -> R {
        do {
            return try read(&self)
        } catch var refusal as JSONRefusal {
            refusal.path.insert(step, at: 0)
            throw refusal
        }
    }

    /// Steps over spaces, tabs and line breaks.
    mutating func skipSpace() {
        while i < bytes.count, case let byte = bytes[i], byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { i += 1 }
    }

    /// The next byte, if any.
    var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    /// Whether all of the text has been read but spaces.
    mutating func atEnd() -> Bool {
        skipSpace()
        return i == bytes.count
    }

    /// A refusal of the text where the reader is; the objects and lists around it add where.
    func error(_ problem: String) -> JSONRefusal { JSONRefusal(problem: problem, ofSchema: false) }

    /// The refusal of an object that gives a field as `name` after giving it as `earlier`
    /// (the same name, or its other spelling).
    func given(_ name: String, twice earlier: String) -> JSONRefusal {
        error(earlier == name ? "has \(Quote.value(name)) twice" : "has \(Quote.value(name)) and \(Quote.value(earlier)), the same field twice")
    }

    // MARK: inside

    /// Steps into an object or list, refusing nesting deeper than the limit.
    private mutating func enter() throws {
        i += 1
        depth += 1
        if depth > limits.depth { throw error("is nested more than \(limits.depth) deep") }
    }

    /// Reads a string and checks it against `limit` (a member name against the limit of
    /// names), handing its text to `body`; returns what `body` does and where the string is.
    private mutating func readString<R>(
        _ limit: FieldLimit, isName: Bool, _ body: (UnsafeBufferPointer<UInt8>) throws -> R
    ) throws -> (value: R, name: Name) {
        guard peek == UInt8(ascii: "\"") else { throw error("is not valid JSON: a string was expected") }
        i += 1
        let start = i
        var escaped = false
        var ascii = true
        // Whether a byte the limit refuses was seen (`FieldLimit.refuses`): only then is the
        // limit checked in full, as it is for escaped text; otherwise only the length is.
        var doubtful = false
        // The word-at-a-time scan stops at every byte a limit may refuse: those under 0x20
        // and 0x7F always, and spaces for an identifier.
        let stopAtSpace = limit.kind == .identifier
        while i < bytes.count {
            // Eight bytes at a time, stepping straight to the first that is not plain.
            if i + 8 <= bytes.count {
                let word = UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self))
                let marks = Self.marks(in: word, space: stopAtSpace)
                if marks == 0 {
                    i += 8
                    continue
                }
                i += marks.trailingZeroBitCount >> 3
            }
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                i += 2
                continue
            }
            if byte < 0x20 { throw error("is not valid JSON: a string holds a control character; write it as an escape") }
            if byte >= 0x80 { ascii = false }
            if limit.refuses(byte) { doubtful = true }
            i += 1
        }
        guard i < bytes.count else { throw error("is not valid JSON: a string is not closed") }
        let contents = UnsafeBufferPointer(rebasing: bytes[start..<i])
        i += 1
        let name = Name(range: start..<(i - 1), escaped: escaped)
        if escaped {
            guard let text = Self.unescape(contents) else { throw error("is not valid JSON: a string has an invalid escape") }
            return try text.withUnsafeBufferPointer { text in
                try check(text, limit, isName)
                return (try body(text), name)
            }
        }
        if !ascii, String(validating: contents, as: UTF8.self) == nil { throw error("is not valid UTF-8") }
        if isName || doubtful || contents.count > limit.bytes { try check(contents, limit, isName) }
        return (try body(contents), name)
    }

    /// Holds a string's text to its limit.
    private func check(_ text: UnsafeBufferPointer<UInt8>, _ limit: FieldLimit, _ isName: Bool) throws {
        if isName {
            if text.count > limit.bytes { throw error("has a member name of \(text.count) bytes; names are at most \(limit.bytes)") }
            return
        }
        if let problem = limit.problem(with: text) { throw error(problem) }
    }

    /// The bytes of `word` (the first in its lowest bits) that a string's scan must stop
    /// at, each marked by its high bit: a quote, a backslash, a control character, 0x7F, a
    /// byte of a multi-byte character, and with `space`, a space. Each test is the classic
    /// "has a zero byte" of a word, `(x - 0x01…) & ~x & 0x80…`, which may also mark a byte
    /// above a marked one but never below: the lowest mark is exact.
    private static func marks(in word: UInt64, space: Bool) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func zeroBytes(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        var marks = word & highs // 0x80 or more
            | (word &- 0x20 &* ones) & ~word & highs // under 0x20
            | zeroBytes(word ^ (0x22 &* ones)) // a quote
            | zeroBytes(word ^ (0x5C &* ones)) // a backslash
            | zeroBytes(word ^ (0x7F &* ones))
        if space { marks |= zeroBytes(word ^ (0x20 &* ones)) }
        return marks
    }

    private mutating func digits() -> Int {
        let start = i
        while i < bytes.count, bytes[i] &- UInt8(ascii: "0") < 10 { i += 1 }
        return i - start
    }

    private mutating func expect(_ character: Unicode.Scalar, _ what: @autoclosure () -> String) throws {
        guard peek == UInt8(ascii: character) else { throw error("is not valid JSON: \(what()) was expected") }
        i += 1
    }

    private static func endsValue(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
            || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
    }

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
    static func unescape(_ contents: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(contents.count)
        var j = 0
        func hex4() -> UInt32? {
            guard j + 4 <= contents.count else { return nil }
            var value: UInt32 = 0
            for byte in contents[j..<(j + 4)] {
                guard let digit = byte.hexDigitValue else { return nil }
                value = value << 4 | UInt32(digit)
            }
            j += 4
            return value
        }
        while j < contents.count {
            let byte = contents[j]
            j += 1
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                continue
            }
            guard j < contents.count else { return nil }
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
                    guard j + 2 <= contents.count, contents[j] == UInt8(ascii: "\\"), contents[j + 1] == UInt8(ascii: "u") else { return nil }
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

/// What is wrong with JSON text, and where: each object and list a refusal passes through
/// on its way out puts its step in front of the path, so no path is kept while nothing is
/// wrong.
struct JSONRefusal: Error {
    enum Step {
        case member(String)
        case item(Int)
    }

    var path: [Step] = []
    let problem: String
    /// Whether the text is JSON within its limits but not what the schema has there (a
    /// field it does not have, a value of another type).
    let ofSchema: Bool
    /// The name of a member the schema does not have, when that is the problem.
    var unknownField: String?

    init(problem: String, ofSchema: Bool) {
        self.problem = problem
        self.ofSchema = ofSchema
    }

    /// Where the refusal is, such as `payload.decisions[2].criterion` (empty at the top).
    var place: String {
        var place = ""
        for step in path {
            switch step {
            case let .member(name): place += place.isEmpty ? name : "." + name
            case let .item(index): place += "[\(index)]"
            }
        }
        return place
    }

    /// The place, quoted, then the problem: `"payload.units[1]" is …`.
    var text: String { path.isEmpty ? problem : "\(Quote.value(place)) \(problem)" }

    /// A refusal of what the schema has, in a message read as `what` (`payload of
    /// learner.withdrawn`) at `place`: `what: "payload.reason" is not a string`, or
    /// `what: unknown field "why"` at the message's top. `nil` for a refusal of the text.
    func ofSchema(read what: String, at place: Step?) -> String? {
        guard ofSchema else { return nil }
        if path.isEmpty, let unknownField { return "\(what): unknown field \(Quote.value(unknownField))" }
        var refusal = self
        if let place { refusal.path.insert(place, at: 0) }
        return "\(what): \(refusal.text)"
    }
}
