import Foundation
import SwiftProtobuf

/// Finds an enumeration value that its schema does not name. Proto3 JSON reads any number
/// into an enumeration field (decision outcome 7, evidence method 99); a centre's input
/// must use the values the schema has.
struct NamedEnumValues: SwiftProtobuf.Visitor {
    /// A value outside its enumeration, and the enumeration's name (`DecisionOutcome`).
    struct Unnamed: Error {
        let value: Int
        let enumeration: String
    }

    /// - Throws: `Unnamed` for the first enumeration value in `message` (or any message
    ///   within it) that its enumeration does not name.
    static func check(_ message: some SwiftProtobuf.Message) throws {
        var visitor = NamedEnumValues()
        try message.traverse(visitor: &visitor)
    }

    mutating func visitSingularEnumField<E: SwiftProtobuf.Enum>(value: E, fieldNumber: Int) throws {
        guard let cases = E.self as? any CaseIterable.Type, !Self.names(value, in: cases) else { return }
        // `Records.Attest_V1_Specification.Kind` is named `Specification.Kind`.
        let name = String(reflecting: E.self).split(separator: ".").dropFirst().joined(separator: ".")
        throw Unnamed(value: value.rawValue, enumeration: name.replacingOccurrences(of: "Attest_V1_", with: ""))
    }

    mutating func visitSingularMessageField<M: SwiftProtobuf.Message>(value: M, fieldNumber: Int) throws {
        try value.traverse(visitor: &self)
    }

    /// Whether one of the enumeration's named cases has `value`'s number.
    private static func names<C: CaseIterable>(_ value: some SwiftProtobuf.Enum, in _: C.Type) -> Bool {
        C.allCases.contains { ($0 as? any SwiftProtobuf.Enum)?.rawValue == value.rawValue }
    }

    // The other kinds of field hold no enumeration values.
    mutating func visitSingularDoubleField(value: Double, fieldNumber: Int) throws {}
    mutating func visitSingularInt64Field(value: Int64, fieldNumber: Int) throws {}
    mutating func visitSingularUInt64Field(value: UInt64, fieldNumber: Int) throws {}
    mutating func visitSingularBoolField(value: Bool, fieldNumber: Int) throws {}
    mutating func visitSingularStringField(value: String, fieldNumber: Int) throws {}
    mutating func visitSingularBytesField(value: Data, fieldNumber: Int) throws {}
    mutating func visitUnknown(bytes: Data) throws {}
    mutating func visitMapField<KeyType, ValueType: MapValueType>(
        fieldType: _ProtobufMap<KeyType, ValueType>.Type, value: _ProtobufMap<KeyType, ValueType>.BaseType, fieldNumber: Int
    ) throws {}
    mutating func visitMapField<KeyType, ValueType>(
        fieldType: _ProtobufEnumMap<KeyType, ValueType>.Type, value: _ProtobufEnumMap<KeyType, ValueType>.BaseType, fieldNumber: Int
    ) throws where ValueType.RawValue == Int {
        for element in value.values { try visitSingularEnumField(value: element, fieldNumber: fieldNumber) }
    }
    mutating func visitMapField<KeyType, ValueType>(
        fieldType: _ProtobufMessageMap<KeyType, ValueType>.Type, value: _ProtobufMessageMap<KeyType, ValueType>.BaseType, fieldNumber: Int
    ) throws {
        for element in value.values { try element.traverse(visitor: &self) }
    }
}
