import Assessment
import SwiftProtobuf

/// One kind of entry a report keeps in its database: keys `NAME/ID`, each value a `Value`
/// (a message of `Records`; for `String`, a learner's reference in UTF-8; for `Mark`, a
/// byte whose presence is the fact). A report declares its tables once, and every read and
/// write of its entries goes through them.
public struct KeyTable<Value>: Sendable {
    /// What every key of the table starts with, its `/` included.
    public let prefix: String

    public init(_ name: String) { prefix = name + "/" }

    /// The key of entry `id`.
    public func key(_ id: String) -> String { prefix + id }

    /// The id of `key`, or `nil` when `key` is not one of this table's.
    public func id(of key: String) -> String? { key.hasPrefix(prefix) ? String(key.dropFirst(prefix.count)) : nil }
}

extension EntityStore {
    /// The message under `id` in `table`, read and decoded now (not kept decoded).
    public func load<M: SwiftProtobuf.Message>(_ table: KeyTable<M>, _ id: String) throws -> M? {
        try load(table.key(id)).map { try M(serializedBytes: $0) }
    }

    /// Writes `message` under `id` in `table` now.
    public func save<M: SwiftProtobuf.Message>(_ message: M, in table: KeyTable<M>, _ id: String) throws {
        try save(table.key(id), message.stateBytes())
    }
}

extension ProjectionSnapshot {
    /// The messages of `table` in projection `name`, each with its id, in key order.
    public func messages<M: SwiftProtobuf.Message>(of name: String, in table: KeyTable<M>) throws -> [(id: String, message: M)] {
        try entries(of: name, prefix: table.prefix).map { (String($0.key.dropFirst(table.prefix.count)), try M(serializedBytes: $0.value)) }
    }
}
