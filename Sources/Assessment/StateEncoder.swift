import Foundation
import SwiftProtobuf

/// Writes a message's protobuf binary in one pass, map entries in key order: the bytes
/// swift-protobuf's `serializedBytes` gives with `useDeterministicOrdering`, as
/// `StateEncoderTests` checks field kind by field kind and on the records of a generated
/// centre.
///
/// Kept because it is faster: swift-protobuf works out each nested message's size before
/// writing it, and again for each message it is nested in, so a learner's record (entries
/// holding lists and maps) is walked once to be written and twice more to be measured.
/// This walks it once, writing a nested message behind a one-byte length that it widens,
/// moving the body along, only when the body is 128 bytes or more. `attest-bench encode`
/// measures both on the learner records of a generated centre.
struct StateEncoder: SwiftProtobuf.Visitor {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0

    init(capacity: Int = 512) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    /// The bytes written, after which the encoder must not be used.
    consuming func finish() -> [UInt8] {
        defer { base.deallocate() }
        return Array(UnsafeBufferPointer(start: base, count: count))
    }

    /// Releases the buffer of an encoder that failed.
    consuming func discard() {
        base.deallocate()
    }

    // MARK: Wire format

    private mutating func reserve(_ more: Int) {
        guard count + more > capacity else { return }
        let grown = max(capacity * 2, count + more)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        larger.update(from: base, count: count)
        base.deallocate()
        base = larger
        capacity = grown
    }

    private mutating func varint(_ value: UInt64) {
        reserve(10)
        var value = value
        while value >= 0x80 {
            base[count] = UInt8(truncatingIfNeeded: value) | 0x80
            count += 1
            value >>= 7
        }
        base[count] = UInt8(value)
        count += 1
    }

    private mutating func tag(_ field: Int, _ wireType: UInt64) {
        varint(UInt64(field) << 3 | wireType)
    }

    private mutating func raw(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        if let source = bytes.baseAddress { (base + count).update(from: source.assumingMemoryBound(to: UInt8.self), count: bytes.count) }
        count += bytes.count
    }

    private mutating func fixed32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { raw($0) }
    }

    private mutating func fixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { raw($0) }
    }

    /// Field `field` holding what `body` writes, preceded by its length.
    private mutating func delimited(_ field: Int, _ body: (inout StateEncoder) throws -> Void) rethrows {
        tag(field, 2)
        reserve(1)
        let start = count
        count += 1
        try body(&self)
        let length = count - start - 1
        guard length >= 0x80 else {
            base[start] = UInt8(length)
            return
        }
        var width = 1
        while length >> (7 * width) != 0 { width += 1 }
        reserve(width - 1)
        (base + start + width).update(from: base + start + 1, count: length)
        count = start
        varint(UInt64(length))
        count += length
    }

    // MARK: Singular fields

    mutating func visitSingularFloatField(value: Float, fieldNumber: Int) throws {
        tag(fieldNumber, 5)
        fixed32(value.bitPattern)
    }

    mutating func visitSingularDoubleField(value: Double, fieldNumber: Int) throws {
        tag(fieldNumber, 1)
        fixed64(value.bitPattern)
    }

    mutating func visitSingularInt32Field(value: Int32, fieldNumber: Int) throws {
        try visitSingularInt64Field(value: Int64(value), fieldNumber: fieldNumber)
    }

    mutating func visitSingularInt64Field(value: Int64, fieldNumber: Int) throws {
        try visitSingularUInt64Field(value: UInt64(bitPattern: value), fieldNumber: fieldNumber)
    }

    mutating func visitSingularUInt32Field(value: UInt32, fieldNumber: Int) throws {
        try visitSingularUInt64Field(value: UInt64(value), fieldNumber: fieldNumber)
    }

    mutating func visitSingularUInt64Field(value: UInt64, fieldNumber: Int) throws {
        tag(fieldNumber, 0)
        varint(value)
    }

    mutating func visitSingularSInt32Field(value: Int32, fieldNumber: Int) throws {
        try visitSingularSInt64Field(value: Int64(value), fieldNumber: fieldNumber)
    }

    mutating func visitSingularSInt64Field(value: Int64, fieldNumber: Int) throws {
        try visitSingularUInt64Field(value: Self.zigZag(value), fieldNumber: fieldNumber)
    }

    mutating func visitSingularFixed32Field(value: UInt32, fieldNumber: Int) throws {
        tag(fieldNumber, 5)
        fixed32(value)
    }

    mutating func visitSingularFixed64Field(value: UInt64, fieldNumber: Int) throws {
        tag(fieldNumber, 1)
        fixed64(value)
    }

    mutating func visitSingularSFixed32Field(value: Int32, fieldNumber: Int) throws {
        try visitSingularFixed32Field(value: UInt32(bitPattern: value), fieldNumber: fieldNumber)
    }

    mutating func visitSingularSFixed64Field(value: Int64, fieldNumber: Int) throws {
        try visitSingularFixed64Field(value: UInt64(bitPattern: value), fieldNumber: fieldNumber)
    }

    mutating func visitSingularBoolField(value: Bool, fieldNumber: Int) throws {
        try visitSingularUInt64Field(value: value ? 1 : 0, fieldNumber: fieldNumber)
    }

    mutating func visitSingularStringField(value: String, fieldNumber: Int) throws {
        var value = value
        value.withUTF8 { utf8 in
            tag(fieldNumber, 2)
            varint(UInt64(utf8.count))
            raw(UnsafeRawBufferPointer(utf8))
        }
    }

    mutating func visitSingularBytesField(value: Data, fieldNumber: Int) throws {
        tag(fieldNumber, 2)
        varint(UInt64(value.count))
        value.withUnsafeBytes { raw($0) }
    }

    mutating func visitSingularEnumField<E: SwiftProtobuf.Enum>(value: E, fieldNumber: Int) throws {
        try visitSingularInt64Field(value: Int64(value.rawValue), fieldNumber: fieldNumber)
    }

    mutating func visitSingularMessageField<M: SwiftProtobuf.Message>(value: M, fieldNumber: Int) throws {
        try delimited(fieldNumber) { try value.traverse(visitor: &$0) }
    }

    mutating func visitSingularGroupField<G: SwiftProtobuf.Message>(value: G, fieldNumber: Int) throws {
        tag(fieldNumber, 3)
        try value.traverse(visitor: &self)
        tag(fieldNumber, 4)
    }

    // MARK: Packed fields

    mutating func visitPackedFloatField(value: [Float], fieldNumber: Int) throws {
        delimited(fieldNumber) { encoder in for v in value { encoder.fixed32(v.bitPattern) } }
    }

    mutating func visitPackedDoubleField(value: [Double], fieldNumber: Int) throws {
        delimited(fieldNumber) { encoder in for v in value { encoder.fixed64(v.bitPattern) } }
    }

    mutating func visitPackedInt32Field(value: [Int32], fieldNumber: Int) throws {
        delimited(fieldNumber) { encoder in for v in value { encoder.varint(UInt64(bitPattern: Int64(v))) } }
    }

    mutating func visitPackedInt64Field(value: [Int64], fieldNumber: Int) throws {
        delimited(fieldNumber) { encoder in for v in value { encoder.varint(UInt64(bitPattern: v)) } }
    }

    mutating func visitPackedUInt32Field(value: [UInt32], fieldNumber: Int) throws {
        delimited(fieldNumber) { encoder in for v in value { encoder.varint(UInt64(v)) } }
    }

    mutating func visitPackedUInt64Field(value: [UInt64], fieldNumber: Int) throws {
        delimited(fieldNumber) { encoder in for v in value { encoder.varint(v) } }
    }

    mutating func visitPackedSInt32Field(value: [Int32], fieldNumber: Int) throws {
        delimited(fieldNumber) { encoder in for v in value { encoder.varint(Self.zigZag(Int64(v))) } }
    }

    mutating func visitPackedSInt64Field(value: [Int64], fieldNumber: Int) throws {
        delimited(fieldNumber) { encoder in for v in value { encoder.varint(Self.zigZag(v)) } }
    }

    mutating func visitPackedFixed32Field(value: [UInt32], fieldNumber: Int) throws {
        delimited(fieldNumber) { encoder in for v in value { encoder.fixed32(v) } }
    }

    mutating func visitPackedFixed64Field(value: [UInt64], fieldNumber: Int) throws {
        delimited(fieldNumber) { encoder in for v in value { encoder.fixed64(v) } }
    }

    mutating func visitPackedSFixed32Field(value: [Int32], fieldNumber: Int) throws {
        delimited(fieldNumber) { encoder in for v in value { encoder.fixed32(UInt32(bitPattern: v)) } }
    }

    mutating func visitPackedSFixed64Field(value: [Int64], fieldNumber: Int) throws {
        delimited(fieldNumber) { encoder in for v in value { encoder.fixed64(UInt64(bitPattern: v)) } }
    }

    mutating func visitPackedBoolField(value: [Bool], fieldNumber: Int) throws {
        delimited(fieldNumber) { encoder in for v in value { encoder.varint(v ? 1 : 0) } }
    }

    mutating func visitPackedEnumField<E: SwiftProtobuf.Enum>(value: [E], fieldNumber: Int) throws {
        delimited(fieldNumber) { encoder in for v in value { encoder.varint(UInt64(bitPattern: Int64(v.rawValue))) } }
    }

    // MARK: Maps, entries in key order

    mutating func visitMapField<KeyType, ValueType: MapValueType>(
        fieldType: _ProtobufMap<KeyType, ValueType>.Type,
        value: _ProtobufMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws {
        try entries(of: value, KeyType.self, fieldNumber) { try ValueType.visitSingular(value: $1, fieldNumber: 2, with: &$0) }
    }

    mutating func visitMapField<KeyType, ValueType>(
        fieldType: _ProtobufEnumMap<KeyType, ValueType>.Type,
        value: _ProtobufEnumMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws where ValueType.RawValue == Int {
        try entries(of: value, KeyType.self, fieldNumber) { try $0.visitSingularEnumField(value: $1, fieldNumber: 2) }
    }

    mutating func visitMapField<KeyType, ValueType>(
        fieldType: _ProtobufMessageMap<KeyType, ValueType>.Type,
        value: _ProtobufMessageMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws {
        try entries(of: value, KeyType.self, fieldNumber) { try $0.visitSingularMessageField(value: $1, fieldNumber: 2) }
    }

    /// Map `map`'s entries as field `field`, in key order, each value written by `value`.
    private mutating func entries<Key: MapKeyType, Value>(
        of map: [Key.BaseType: Value], _: Key.Type, _ field: Int, value: (inout StateEncoder, Value) throws -> Void
    ) throws {
        guard !map.isEmpty else { return }
        // Sorting the keys alone spares the generic sort of (key, value) pairs, which took a
        // third of the time.
        let keys = map.count == 1 ? Array(map.keys) : map.keys.sorted(by: Key._lessThan)
        for key in keys {
            try delimited(field) {
                try Key.visitSingular(value: key, fieldNumber: 1, with: &$0)
                try value(&$0, map[key]!)
            }
        }
    }

    // MARK: The rest

    mutating func visitExtensionFieldsAsMessageSet(fields: ExtensionFieldValueSet, start: Int, end: Int) throws {
        throw StateEncodingError.messageSetExtensions
    }

    mutating func visitUnknown(bytes: Data) throws {
        bytes.withUnsafeBytes { raw($0) }
    }

    private static func zigZag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
}

/// What the state encoder does not write: the reports' and rules' messages have no
/// message-set extensions.
enum StateEncodingError: Error {
    case messageSetExtensions
}
