import Assessment
import Foundation
import LMDB

/// Where a replay keeps what the rules and the reports remember: in memory, or on disk
/// for logs whose state should not live in the process's heap.
public protocol ReplayState: EntityStore {
    /// Calls `body` with `next`, which gives the next entry whose key starts with `prefix`
    /// at each call, in the order of the keys' UTF-8 bytes, then `nil`.
    func walk(prefix: String, _ body: (_ next: () throws -> (key: String, value: [UInt8])?) throws -> Void) throws
    /// Called between batches of events: a state may write out what it holds.
    func settle() throws
}

extension ReplayState {
    /// The entries whose keys start with `prefix`, in the order of their UTF-8 bytes.
    public func entries(prefix: String) throws -> [(key: String, value: [UInt8])] {
        try collect { try walk(prefix: prefix, $0) }
    }
}

/// Hands `body` the entries `next` gives (`TransactionReader.walk`), with their keys read as
/// text: what `ReplayState.walk` and `ProjectionSnapshot.walk` give.
public func withTextKeys(
    _ next: () throws -> (key: [UInt8], value: [UInt8])?, _ body: (_ next: () throws -> (key: String, value: [UInt8])?) throws -> Void
) throws {
    try withoutActuallyEscaping(next) { next in
        try body { try next().map { (String(decoding: $0.key, as: UTF8.self), $0.value) } }
    }
}

/// An entity store in memory, for replays that must not touch the stored reports.
public final class MemoryEntityStore: ReplayState {
    private(set) var values: [String: [UInt8]] = [:]

    public init() {}

    public func load(_ key: String) throws -> [UInt8]? { values[key] }
    public func save(_ key: String, _ value: [UInt8]) throws { values[key] = value }
    public func remove(_ key: String) throws { values[key] = nil }

    public func settle() {}

    public func walk(prefix: String, _ body: (_ next: () throws -> (key: String, value: [UInt8])?) throws -> Void) throws {
        // By UTF-8 bytes, as LMDB orders keys; compared in place, without copying each key.
        var sorted = values.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.makeIterator()
        try body { sorted.next().map { ($0.key, $0.value) } }
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
