import Assessment
import Foundation
import LMDB

/// Where a replay keeps what the rules and the reports remember: in memory, or on disk
/// for logs whose state should not live in the process's heap.
public protocol ReplayState: EntityStore {
    /// The entries whose keys start with `prefix`, in the order of their UTF-8 bytes.
    func entries(prefix: String) throws -> [(key: String, value: [UInt8])]
    /// Called between batches of events: a state may write out what it holds.
    func settle() throws
}

/// An entity store in memory, for replays that must not touch the stored reports.
public final class MemoryEntityStore: ReplayState {
    private(set) var values: [String: [UInt8]] = [:]

    public init() {}

    public func load(_ key: String) throws -> [UInt8]? { values[key] }
    public func save(_ key: String, _ value: [UInt8]) throws { values[key] = value }
    public func remove(_ key: String) throws { values[key] = nil }

    public func settle() {}

    /// The entries whose keys start with `prefix`, in key order.
    public func entries(prefix: String) -> [(key: String, value: [UInt8])] {
        // By UTF-8 bytes, as LMDB orders keys; compared in place, without copying each key.
        values.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { ($0.key, $0.value) }
    }
}

/// An entity store reading through to a base (the transaction) and collecting writes.
final class OverlayEntityStore: EntityStore {
    /// Where entries not changed are read: the transaction of the moment.
    var base: (String) throws -> [UInt8]?
    /// The entries written, and `nil` for those removed.
    private(set) var changes: [String: [UInt8]?] = [:]

    /// An overlay with room for `expected` changes before it grows.
    init(expecting expected: Int = 0, base: @escaping (String) throws -> [UInt8]?) {
        self.base = base
        changes.reserveCapacity(expected)
    }

    func load(_ key: String) throws -> [UInt8]? {
        if let changed = changes[key] { return changed }
        return try base(key)
    }

    func save(_ key: String, _ value: [UInt8]) throws { changes[key] = value }
    func remove(_ key: String) throws { changes[key] = .some(nil) }
}

/// A read-only view of a snapshot.
final class SnapshotEntityStore: EntityStore {
    private let read: (String) throws -> [UInt8]?

    init(read: @escaping (String) throws -> [UInt8]?) { self.read = read }

    func load(_ key: String) throws -> [UInt8]? { try read(key) }
    func save(_ key: String, _ value: [UInt8]) throws { preconditionFailure("a snapshot is read-only") }
    func remove(_ key: String) throws { preconditionFailure("a snapshot is read-only") }
}

extension WriteTransaction {
    /// Writes an overlay's `changes` to `database`: puts each entry written, deletes each removed.
    public func write(_ changes: [String: [UInt8]?], to database: Database) throws {
        for (key, value) in changes {
            if let value { try put(database, key: TextKey(key), value: value) } else { try delete(database, key: TextKey(key)) }
        }
    }
}
