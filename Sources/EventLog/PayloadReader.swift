import Foundation

/// Reads a JSON object of a protobuf message, as proto3 JSON writes one, straight into the
/// message's binary encoding, in one pass and without building the message: the bytes
/// swift-protobuf writes for the message it decodes from the same text (fields in number
/// order, defaults left out, lists of numbers packed).
///
/// It is stricter than proto3 JSON where a centre's input must be: a field given twice
/// (under either spelling), an enumeration number its enumeration does not name, and a
/// string or list beyond its limits are refused, each naming its place.
///
/// Hand-written, not swift-protobuf's JSON decoding followed by its binary encoding,
/// because `attest-bench ingest` measures it several times faster on the same payloads;
/// `PayloadReaderTests` holds the two to the same bytes.
struct PayloadReader {
    var json: JSONReader
    /// The encoding so far.
    private(set) var out: [UInt8] = []

    init(_ json: JSONReader) {
        self.json = json
        out.reserveCapacity(json.bytes.count)
    }

    /// Reads `object` as a message of `schema`.
    /// - Throws: `JSONRefusal` naming the place in `object` and what is wrong there.
    static func read(_ object: UnsafeBufferPointer<UInt8>, as schema: MessageSchema, limits: InputLimits) throws -> [UInt8] {
        var reader = PayloadReader(JSONReader(object, limits: limits))
        reader.json.skipSpace()
        guard reader.json.peek == UInt8(ascii: "{") else {
            throw reader.json.error(reader.json.peek == nil ? "is empty" : "is not a JSON object")
        }
        try reader.message(schema)
        guard reader.json.atEnd() else { throw reader.json.error("has more after the end of its JSON object") }
        return reader.out
    }

    /// Reads the object that comes next as a message of `schema`, appending its fields.
    mutating func message(_ schema: MessageSchema) throws {
        try json.beginObject()
        let start = out.count
        var count = 0, seen: UInt64 = 0, protoSpelled: UInt64 = 0
        var ordered = true, last = 0
        while let name = try json.nextMember(&count) {
            guard let (index, protoSpelling) = json.match(name, schema.field(named:)) else {
                var refusal = JSONRefusal(problem: "has an unknown field \(Quote.value(json.name(name)))", ofSchema: true)
                refusal.unknownField = json.name(name)
                throw refusal
            }
            let field = schema.fields[index], bit: UInt64 = 1 << index
            if seen & bit != 0 {
                let earlier = String(decoding: protoSpelled & bit != 0 ? field.protoName : field.jsonName, as: UTF8.self)
                throw json.given(json.name(name), twice: earlier)
            }
            seen |= bit
            if protoSpelling { protoSpelled |= bit }
            let fieldStart = out.count
            do {
                try value(field)
            } catch var refusal as JSONRefusal {
                refusal.path.insert(.member(json.name(name)), at: 0)
                throw refusal
            }
            if out.count > fieldStart {
                if field.number < last { ordered = false }
                last = field.number
            }
        }
        if !ordered { try putInNumberOrder(from: start) }
    }

    /// Puts the fields written from `start` on in number order, the items of a list in
    /// the order given: the rare text that gives a message's fields in another order.
    private mutating func putInNumberOrder(from start: Int) throws {
        let written = Array(out[start...])
        var fields: [(number: UInt32, range: Range<Int>)] = []
        try written.withUnsafeBytes { bytes in
            try ProtobufFields.walk(bytes) { number, _, range, _ in fields.append((number, range)) }
        }
        out.removeSubrange(start...)
        for index in fields.indices.sorted(by: { (fields[$0].number, $0) < (fields[$1].number, $1) }) {
            out.append(contentsOf: written[fields[index].range])
        }
    }

    /// Reads one field's value: `null` (the default), a list, or a single value.
    private mutating func value(_ field: FieldSchema) throws {
        if json.peek == UInt8(ascii: "n"), try json.literal() == .null { return }
        guard field.repeated else { return try single(field, listed: false) }
        guard json.peek == UInt8(ascii: "[") else { throw Self.refusal("has a value of the wrong type or shape") }
        try json.beginList()
        var count = 0
        let keyAt = out.count
        if field.packed { Self.appendVarint(field.key, to: &out) }
        let lengthAt = out.count
        while try json.nextItem(&count, limit: field.limit) {
            do {
                if json.peek == UInt8(ascii: "n") { throw Self.refusal("has a value of the wrong type or shape") }
                try single(field, listed: true)
            } catch var refusal as JSONRefusal {
                refusal.path.insert(.item(count - 1), at: 0)
                throw refusal
            }
        }
        if field.packed {
            if count == 0 { out.removeSubrange(keyAt...) } else { insertLength(at: lengthAt) }
        }
    }

    /// Reads a single value of `field`, alone or as an item of its list.
    private mutating func single(_ field: FieldSchema, listed: Bool) throws {
        switch field.kind {
        case .string:
            guard json.peek == UInt8(ascii: "\"") else { throw Self.refusal("is not a string") }
            try json.string(field.limit) { text in
                if text.isEmpty, !listed { return }
                Self.appendVarint(field.key, to: &out)
                Self.appendVarint(UInt64(text.count), to: &out)
                out.append(contentsOf: text)
            }
        case let .message(schema):
            guard json.peek == UInt8(ascii: "{") else { throw Self.refusal("has a value of the wrong type or shape") }
            Self.appendVarint(field.key, to: &out)
            let lengthAt = out.count
            try message(schema)
            insertLength(at: lengthAt)
        default:
            let value = try varint(field)
            if field.packed {
                Self.appendVarint(value, to: &out)
            } else if value != 0 || listed {
                Self.appendVarint(field.key, to: &out)
                Self.appendVarint(value, to: &out)
            }
        }
    }

    /// A boolean, number or enumeration value, as its varint encodes it.
    private mutating func varint(_ field: FieldSchema) throws -> UInt64 {
        switch field.kind {
        case .bool:
            switch try json.literal() {
            case .true: return 1
            case .false: return 0
            default: throw Self.refusal("is not true or false")
            }
        case let .enumeration(enumeration):
            if json.peek == UInt8(ascii: "\"") {
                guard let number = try json.string(field.limit, { enumeration.number(named: $0) }) else {
                    throw Self.refusal("is not one of its enumeration's names")
                }
                return UInt64(bitPattern: Int64(number))
            }
            guard let number = Int32(exactly: try whole(in: Int64(Int32.min)...Int64(Int32.max))) else {
                throw Self.refusal("is a number out of its range")
            }
            guard enumeration.names(number) else {
                throw Self.refusal("holds \(number), which is not a value of \(enumeration.name); write the value's name")
            }
            return UInt64(bitPattern: Int64(number))
        case .uint32: return UInt64(try whole(in: 0...UInt32.max))
        case .uint64: return try whole(in: 0...UInt64.max)
        case .int32: return UInt64(bitPattern: Int64(try whole(in: Int64(Int32.min)...Int64(Int32.max))))
        case .int64: return UInt64(bitPattern: try whole(in: Int64.min...Int64.max))
        case .string, .message: preconditionFailure("not a varint")
        }
    }

    /// A whole number in `range`, written bare or in quotes, as proto3 JSON has it: a
    /// fraction or exponent only where the number is whole all the same (`1.0`, `1e3`).
    private mutating func whole<Number: FixedWidthInteger>(in range: ClosedRange<Number>) throws -> Number {
        let malformed = Self.refusal("is not a number of its kind (whole numbers are written without a fraction or exponent)")
        let number: Number?
        if json.peek == UInt8(ascii: "\"") {
            let limits = json.limits
            number = try json.string(.text) { text -> Number? in
                var inner = JSONReader(text, limits: limits)
                guard let (range, plain) = try? inner.number(), range == text.indices else { return nil }
                return try Self.whole(text, plain: plain, in: Number.self)
            }
        } else if json.peek == UInt8(ascii: "-") || json.peek.map({ $0 &- UInt8(ascii: "0") < 10 }) == true {
            let (written, plain) = try json.number()
            number = try Self.whole(UnsafeBufferPointer(rebasing: json.bytes[written]), plain: plain, in: Number.self)
        } else {
            throw malformed
        }
        guard let number else { throw malformed }
        guard range.contains(number) else { throw Self.refusal("is a number out of its range") }
        return number
    }

    /// The whole number `text` writes (a JSON number), `nil` when it is not whole or not
    /// of `Number`'s sign.
    private static func whole<Number: FixedWidthInteger>(_ text: UnsafeBufferPointer<UInt8>, plain: Bool, in _: Number.Type) throws -> Number? {
        let negative = text.first == UInt8(ascii: "-")
        if negative, !Number.isSigned { return nil }
        if plain {
            var magnitude: UInt64 = 0
            for digit in text.dropFirst(negative ? 1 : 0) {
                let (times, overflowTimes) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflowSum) = times.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
                if overflowTimes || overflowSum { throw refusal("is a number out of its range") }
                magnitude = sum
            }
            let value: Number? = negative
                ? (magnitude <= UInt64(Int64.max) + 1 ? Number(exactly: magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)) : nil)
                : Number(exactly: magnitude)
            guard let value else { throw refusal("is a number out of its range") }
            return value
        }
        guard let double = Double(String(decoding: text, as: UTF8.self)) else { return nil }
        return Number(exactly: double)
    }

    /// Puts the length of what follows `index` in `out` before it.
    private mutating func insertLength(at index: Int) {
        var length = UInt64(out.count - index), size = 1
        while length >> (7 * size) != 0 { size += 1 }
        out.insert(contentsOf: repeatElement(0, count: size), at: index)
        for at in index..<(index + size) {
            out[at] = UInt8(truncatingIfNeeded: length) | (at < index + size - 1 ? 0x80 : 0)
            length >>= 7
        }
    }

    /// Appends `value` as a base-128 varint.
    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private static func refusal(_ problem: String) -> JSONRefusal { JSONRefusal(problem: problem, ofSchema: true) }
}
