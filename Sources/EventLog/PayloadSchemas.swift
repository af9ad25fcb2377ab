import Foundation
import SwiftProtobuf

/// The protobuf messages a payload may be, as `PayloadReader` follows them: each message's
/// fields by number and by either spelling of their JSON name, with the limits of their
/// strings and lists. Made once, from the schemas' `FileDescriptorSet`.
public final class PayloadSchemas: Sendable {
    private let messages: [String: MessageSchema]
    /// The limits the messages' strings and lists are held to, and the text's.
    public let limits: InputLimits

    /// The messages of `fileDescriptorSet` (a serialized `google.protobuf.FileDescriptorSet`),
    /// with strings and lists held to `limits`.
    /// - Throws: `PayloadSchemaError` for a field of a kind the reader does not read
    ///   (floating point, bytes, maps, fixed-width or zigzag integers).
    public init(fileDescriptorSet: Data, limits: InputLimits) throws {
        let set = try Google_Protobuf_FileDescriptorSet(serializedBytes: fileDescriptorSet)
        var enums: [String: EnumSchema] = [:]
        var descriptors: [String: Google_Protobuf_DescriptorProto] = [:]
        func collect(_ message: Google_Protobuf_DescriptorProto, in scope: String, shortScope: String) {
            let name = scope + "." + message.name, short = shortScope.isEmpty ? message.name : shortScope + "." + message.name
            descriptors[name] = message
            for nested in message.enumType { enums[name + "." + nested.name] = EnumSchema(nested, name: short + "." + nested.name) }
            for nested in message.nestedType { collect(nested, in: name, shortScope: short) }
        }
        for file in set.file {
            let package = file.package.isEmpty ? "" : "." + file.package
            for enumeration in file.enumType { enums[package + "." + enumeration.name] = EnumSchema(enumeration, name: enumeration.name) }
            for message in file.messageType { collect(message, in: package, shortScope: "") }
        }
        // Each message after the messages its fields hold (a message holding itself, at any depth, is refused).
        var messages: [String: MessageSchema] = [:]
        func build(_ name: String, within: Set<String>) throws -> MessageSchema {
            if let built = messages[name] { return built }
            guard let descriptor = descriptors[name] else { throw PayloadSchemaError("no message \(name)") }
            guard !within.contains(name) else { throw PayloadSchemaError("\(name) holds itself, which the payload reader does not read") }
            let fields = try descriptor.field.sorted { $0.number < $1.number }.map { field in
                try FieldSchema(field, of: name, enums: enums, limits: limits) { try build($0, within: within.union([name])) }
            }
            guard fields.count <= 64 else { throw PayloadSchemaError("\(name) has more than 64 fields") }
            let schema = MessageSchema(fields: fields)
            messages[name] = schema
            return schema
        }
        for name in descriptors.keys { _ = try build(name, within: []) }
        self.messages = messages
        self.limits = limits
    }

    /// Reads `json`, an object of the message `schema`, into the message's binary
    /// encoding (`PayloadReader`).
    /// - Throws: `EventLineError`: `what` followed by what is wrong with the text
    ///   (`the specification has "title" twice`), or `what:` followed by what the schema
    ///   does not have (`the specification: "kind" holds 9, …`).
    public func binary(ofJSON json: ArraySlice<UInt8>, as schema: MessageSchema, what: String) throws -> [UInt8] {
        try json.withUnsafeBufferPointer { bytes in
            do {
                return try PayloadReader.read(bytes, as: schema, limits: limits)
            } catch let refusal as JSONRefusal {
                throw EventLineError(refusal.ofSchema(read: what, at: nil) ?? "\(what) \(refusal.text)")
            }
        }
    }

    /// The schema of `type`, if the descriptors have it.
    public func message(_ type: any SwiftProtobuf.Message.Type) -> MessageSchema? {
        message(named: type.protoMessageName)
    }

    /// The schema of the message `name` (with its package: `attest.v1.EvidenceAssessed`).
    public func message(named name: String) -> MessageSchema? {
        messages["." + name]
    }
}

/// A field of a kind `PayloadSchemas` cannot read.
public struct PayloadSchemaError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// One message's fields, in number order.
public final class MessageSchema: Sendable {
    let fields: [FieldSchema]
    /// The fields' indices in the order an object writes their JSON names (`JSONText.sortedKeys`).
    let jsonOrder: [Int]

    fileprivate init(fields: [FieldSchema]) {
        self.fields = fields
        let names = fields.map(\.jsonKey)
        jsonOrder = JSONText.sortedKeys(names).map { names.firstIndex(of: $0)! }
    }

    /// The index of the field numbered `number`.
    func field(numbered number: Int) -> Int? {
        fields.firstIndex { $0.number == number }
    }

    /// The field whose JSON name or proto name `name` is, and whether it was the proto name.
    func field(named name: UnsafeBufferPointer<UInt8>) -> (index: Int, protoSpelling: Bool)? {
        for index in fields.indices {
            let field = fields[index]
            if field.jsonName.isSame(as: name) { return (index, false) }
            if field.protoName.isSame(as: name) { return (index, true) }
        }
        return nil
    }
}

/// A field: its number, its names, what it holds and the key that starts its encoding.
final class FieldSchema: Sendable {
    enum Kind {
        case string, bool, uint32, uint64, int32, int64
        case enumeration(EnumSchema)
        case message(MessageSchema)
    }

    let number: Int
    /// `learnerId`.
    let jsonName: [UInt8]
    /// `jsonName` as text.
    let jsonKey: String
    /// `learner_id`.
    let protoName: [UInt8]
    let kind: Kind
    let repeated: Bool
    /// A list of numbers or enumeration values, written as one length-delimited run.
    let packed: Bool
    let limit: FieldLimit
    /// The field's key: its number and wire type, written as a varint.
    let key: UInt64

    fileprivate init(
        _ field: Google_Protobuf_FieldDescriptorProto, of message: String,
        enums: [String: EnumSchema], limits: InputLimits, message schema: (String) throws -> MessageSchema
    ) throws {
        number = Int(field.number)
        jsonKey = field.hasJsonName ? field.jsonName : field.name
        jsonName = Array(jsonKey.utf8)
        protoName = Array(field.name.utf8)
        switch field.type {
        case .string: kind = .string
        case .bool: kind = .bool
        case .uint32: kind = .uint32
        case .uint64: kind = .uint64
        case .int32: kind = .int32
        case .int64: kind = .int64
        case .enum:
            guard let schema = enums[field.typeName] else { throw PayloadSchemaError("\(message).\(field.name): no enumeration \(field.typeName)") }
            kind = .enumeration(schema)
        case .message:
            kind = .message(try schema(field.typeName))
        default:
            throw PayloadSchemaError("\(message).\(field.name) is of a kind the payload reader does not read")
        }
        if field.hasOneofIndex { throw PayloadSchemaError("\(message).\(field.name) is in a oneof, which the payload reader does not read") }
        repeated = field.label == .repeated
        switch kind {
        case .string, .message: packed = false
        default: packed = repeated && !(field.options.hasPacked && !field.options.packed)
        }
        limit = limits.limit(of: field.name)
        let wireType: UInt64 = switch kind {
        case .string, .message: 2
        default: packed ? 2 : 0
        }
        key = UInt64(number) << 3 | wireType
    }
}

/// An enumeration's values by name, and its name as a refusal gives it (`CriterionOutcome`,
/// `Specification.Kind`).
final class EnumSchema: Sendable {
    let name: String
    private let values: [(name: [UInt8], number: Int32)]

    fileprivate init(_ descriptor: Google_Protobuf_EnumDescriptorProto, name: String) {
        self.name = name
        values = descriptor.value.map { (Array($0.name.utf8), $0.number) }
    }

    /// The number of the value named `name`.
    func number(named name: UnsafeBufferPointer<UInt8>) -> Int32? {
        values.first { $0.name.isSame(as: name) }?.number
    }

    /// Whether a value has `number`.
    func names(_ number: Int32) -> Bool { values.contains { $0.number == number } }

    /// The name of the value numbered `number`.
    func name(of number: Int32) -> String? {
        values.first { $0.number == number }.map { String(decoding: $0.name, as: UTF8.self) }
    }
}
