import Foundation
import SwiftProtobuf

extension PayloadSchemas {
    /// Writes `message` as its proto3 JSON: the members swift-protobuf's `jsonString()`
    /// writes, with the same values, but each object's names in `JSONText.sortedKeys`
    /// order, as `JSONSerialization` writes them with `.sortedKeys`.
    /// - Throws: `PayloadSchemaError` when the schemas have no such message.
    public func writeJSON(of message: some SwiftProtobuf.Message, to json: inout JSONText) throws {
        guard let schema = self.message(type(of: message)) else {
            throw PayloadSchemaError("no message \(type(of: message).protoMessageName)")
        }
        try schema.writeJSON(of: message, to: &json)
    }
}

extension MessageSchema {
    func writeJSON(of message: some SwiftProtobuf.Message, to json: inout JSONText) throws {
        var members = JSONMembers(schema: self)
        try message.traverse(visitor: &members)
        json.openObject()
        for index in jsonOrder {
            guard let values = members.values[index] else { continue }
            let field = fields[index]
            json.key(field.jsonKey)
            if field.repeated { json.openArray() }
            for value in values { json.value(value) }
            if field.repeated { json.closeArray() }
        }
        json.closeObject()
    }
}

/// The values of a message's fields as swift-protobuf visits them (the fields proto3 JSON
/// writes: set, or not their default), each written as JSON, by the field's index.
private struct JSONMembers: Visitor {
    let schema: MessageSchema
    var values: [[[UInt8]]?]

    init(schema: MessageSchema) {
        self.schema = schema
        values = Array(repeating: nil, count: schema.fields.count)
    }

    /// Adds a value of field `number` (one element of it, if repeated), written by `write`.
    private mutating func add(_ number: Int, _ write: (FieldSchema, inout JSONText) throws -> Void) throws {
        guard let index = schema.field(numbered: number) else { throw PayloadSchemaError("no field \(number) in the schema") }
        var json = JSONText(capacity: 32)
        try write(schema.fields[index], &json)
        if values[index] == nil { values[index] = [] }
        values[index]!.append(json.bytes)
    }

    // 32-bit integers come here too, widened by `Visitor`'s defaults; proto3 JSON quotes
    // only 64-bit ones.
    mutating func visitSingularInt64Field(value: Int64, fieldNumber: Int) throws {
        try add(fieldNumber) { field, json in
            if case .int64 = field.kind { json.string(String(value)) } else { json.number(value) }
        }
    }

    mutating func visitSingularUInt64Field(value: UInt64, fieldNumber: Int) throws {
        try add(fieldNumber) { field, json in
            if case .uint64 = field.kind { json.string(String(value)) } else { json.number(value) }
        }
    }

    mutating func visitSingularBoolField(value: Bool, fieldNumber: Int) throws {
        try add(fieldNumber) { _, json in json.bool(value) }
    }

    mutating func visitSingularStringField(value: String, fieldNumber: Int) throws {
        try add(fieldNumber) { _, json in json.string(value) }
    }

    /// The value's name, or its number when the enumeration has no such value.
    mutating func visitSingularEnumField<E: Enum>(value: E, fieldNumber: Int) throws {
        try add(fieldNumber) { field, json in
            if case .enumeration(let enumeration) = field.kind, let name = enumeration.name(of: Int32(value.rawValue)) {
                json.string(name)
            } else {
                json.number(Int64(value.rawValue))
            }
        }
    }

    mutating func visitSingularMessageField<M: Message>(value: M, fieldNumber: Int) throws {
        try add(fieldNumber) { field, json in
            guard case .message(let schema) = field.kind else { throw PayloadSchemaError("field \(fieldNumber) is not a message in the schema") }
            try schema.writeJSON(of: value, to: &json)
        }
    }

    /// Fields unknown to the message: proto3 JSON leaves them out.
    mutating func visitUnknown(bytes: Data) throws {}

    // Kinds `PayloadSchemas` refuses to hold, so no message it has can visit them.
    mutating func visitSingularDoubleField(value: Double, fieldNumber: Int) throws { try unread(fieldNumber) }
    mutating func visitSingularBytesField(value: Data, fieldNumber: Int) throws { try unread(fieldNumber) }
    mutating func visitSingularGroupField<G: Message>(value: G, fieldNumber: Int) throws { try unread(fieldNumber) }
    mutating func visitMapField<K, V: MapValueType>(
        fieldType: _ProtobufMap<K, V>.Type, value: _ProtobufMap<K, V>.BaseType, fieldNumber: Int
    ) throws { try unread(fieldNumber) }
    mutating func visitMapField<K, V>(
        fieldType: _ProtobufEnumMap<K, V>.Type, value: _ProtobufEnumMap<K, V>.BaseType, fieldNumber: Int
    ) throws where V.RawValue == Int { try unread(fieldNumber) }
    mutating func visitMapField<K, V>(
        fieldType: _ProtobufMessageMap<K, V>.Type, value: _ProtobufMessageMap<K, V>.BaseType, fieldNumber: Int
    ) throws { try unread(fieldNumber) }

    private func unread(_ number: Int) throws {
        throw PayloadSchemaError("field \(number) is of a kind the schemas do not hold")
    }
}
