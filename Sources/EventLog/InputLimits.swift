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
    public let field: @Sendable (_ name: String) -> FieldLimit
    /// The limits of a line's envelope fields (by `EventLine.Field`) and of `actor.role`,
    /// looked up once.
    let lineFields: [FieldLimit]
    let actorRole: FieldLimit

    public init(lineBytes: Int, depth: Int, nameBytes: Int, field: @escaping @Sendable (_ name: String) -> FieldLimit) {
        self.lineBytes = lineBytes
        self.depth = depth
        self.nameBytes = nameBytes
        self.field = field
        lineFields = EventLine.Field.allCases.map { field(Self.fieldKey($0.name)) }
        actorRole = field("role")
    }

    /// Lines of up to 1 MiB, free text everywhere: what a caller without a field table checks.
    public static let lenient = InputLimits(lineBytes: 1 << 20, depth: 16, nameBytes: 64) { _ in .text }

    /// The limits of the strings and lists under the member `name`, in either spelling.
    func limit(of name: some StringProtocol) -> FieldLimit { field(Self.fieldKey(name)) }

    /// A member name as protobuf's JSON reader matches it, and as `field` is asked for
    /// it: ASCII letters in lower case, without underscores (`learner_id` is `learnerid`,
    /// as is `learnerId`).
    public static func fieldKey(_ name: some StringProtocol) -> String {
        var utf8 = Array(name.utf8)
        utf8.removeAll { $0 == UInt8(ascii: "_") }
        for index in utf8.indices where utf8[index] &- UInt8(ascii: "A") < 26 { utf8[index] += 32 }
        return String(decoding: utf8, as: UTF8.self)
    }
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
        guard text.contains(where: refuses) else { return nil }
        return switch kind {
        case .identifier: "\(Quote.value(String(decoding: text, as: UTF8.self))) holds a space or control character, which \(name) may not"
        case .text: "holds a control character other than a tab or a line break"
        }
    }

    /// Whether a string holding `byte` is refused: a space or control character in an
    /// identifier, a control character other than a tab or a line break in text.
    func refuses(_ byte: UInt8) -> Bool {
        switch kind {
        case .identifier: byte <= 0x20 || byte == 0x7F
        case .text: (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F
        }
    }

    /// Free text of up to 8 KiB, in lists of up to 1,000.
    public static let text = FieldLimit(.text, bytes: 8192, name: "free text")
}
