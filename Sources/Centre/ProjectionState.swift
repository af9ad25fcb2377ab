import Assessment
import Foundation
import SwiftProtobuf

/// A projection's state as it applies events: entries by key in its database, read and
/// written through `base`, and messages kept decoded between events until the runner
/// writes them back: after each appended batch, and only now and then during a rebuild,
/// so that a rebuild decodes and encodes each message seldom, not once per event.
///
/// A key holds either raw bytes (`load`, `save`) or a message, never both.
public final class ProjectionState: EntityStore {
    /// The transaction's view of the projection's database (or a store in memory).
    @usableFromInline var base: any EntityStore
    /// Messages decoded in earlier transactions, when an append gives them.
    @usableFromInline var decodedBefore: DecodedMessages?
    /// Learners' records the append's transaction encoded already, when it gives them.
    var encodings: LearnerRecordEncodings?
    private var tables: [String: any KeptTable] = [:]

    /// Specification `id` at `version`, compiled, as the log holds it at the events applied.
    public internal(set) var specification: (_ id: String, _ version: UInt32) throws -> CompiledSpecification? = { _, _ in nil }

    init(base: any EntityStore) { self.base = base }

    public func load(_ key: String) throws -> [UInt8]? { try base.load(key) }

    public func save(_ key: String, _ value: [UInt8]) throws { try base.save(key, value) }

    /// Removes the raw bytes under `key`, if any.
    public func remove(_ key: String) throws { try base.remove(key) }

    /// The messages of `table`, kept decoded by their id.
    public func messages<M: SwiftProtobuf.Message>(in table: KeyTable<M>) -> KeptMessages<M> {
        if let kept = tables[table.prefix] { return kept as! KeptMessages<M> }
        let kept = KeptMessages<M>(state: self, prefix: table.prefix)
        tables[table.prefix] = kept
        return kept
    }

    /// Messages kept decoded.
    var keptCount: Int { tables.values.reduce(0) { $0 + $1.count } }

    /// Writes the changed messages to `base` and forgets every message kept.
    func flush() throws {
        let encoded = EncodedEntries()
        try flush { keys, values in encoded.add(keys, values) }
        for (key, value) in encoded.entries { try base.save(key, value) }
    }

    /// Hands the changed messages, encoded, to `write` a part at a time (keys and their
    /// bytes), each part on the thread that encoded it and as soon as it is encoded, and
    /// forgets every message kept. At the end of a rebuild, parts are written while others
    /// are still being encoded.
    func flush(_ write: @Sendable ([String], [[UInt8]]) throws -> Void) throws {
        for table in tables.values { try table.flush(write) }
    }
}

/// Messages of one type under one key prefix, kept decoded by a `ProjectionState` by the
/// rest of their key: a short id hashes quickly and needs no allocation. Inlinable, so
/// that each projection's use of it is specialised for its message type.
public final class KeptMessages<M: SwiftProtobuf.Message> {
    @usableFromInline struct Entry {
        @usableFromInline var message: M
        @usableFromInline var changed: Bool
        /// The bytes the message was decoded from, when it was taken from those an append kept.
        @usableFromInline var loaded: [UInt8]?

        @inlinable init(message: M, changed: Bool, loaded: [UInt8]? = nil) {
            self.message = message
            self.changed = changed
            self.loaded = loaded
        }
    }

    @usableFromInline unowned let state: ProjectionState
    @usableFromInline let prefix: String
    @usableFromInline var entries: [String: Entry] = [:]

    init(state: ProjectionState, prefix: String) {
        self.state = state
        self.prefix = prefix
    }

    /// The message under `prefix` + `id`, if any.
    @inlinable public func get(_ id: String) throws -> M? {
        try index(id).map { entries.values[$0].message }
    }

    @inlinable public func set(_ id: String, _ message: M) {
        entries[id] = Entry(message: message, changed: true)
    }

    /// Changes the message under `prefix` + `id` in place; false when there is none.
    @inlinable @discardableResult
    public func update(_ id: String, _ body: (inout M) throws -> Void) throws -> Bool {
        guard let index = try index(id) else { return false }
        entries.values[index].changed = true
        try body(&entries.values[index].message)
        return true
    }

    /// Where the entry for `id` is, loaded unless it is kept; nil when there is none.
    @inlinable func index(_ id: String) throws -> [String: Entry].Index? {
        if let index = entries.index(forKey: id) { return index }
        guard let bytes = try state.base.load(prefix + id) else { return nil }
        guard let decoded = state.decodedBefore else {
            entries[id] = Entry(message: try M(serializedBytes: bytes), changed: false)
            return entries.index(forKey: id)
        }
        entries[id] = Entry(message: try decoded.take(prefix + id, from: bytes), changed: false, loaded: bytes)
        return entries.index(forKey: id)
    }
}

/// What `ProjectionState` needs of a table of kept messages, whatever their type.
protocol KeptTable: AnyObject {
    var count: Int { get }
    func flush(_ write: @Sendable ([String], [[UInt8]]) throws -> Void) throws
}

extension KeptMessages: KeptTable {
    var count: Int { entries.count }

    func flush(_ write: @Sendable ([String], [[UInt8]]) throws -> Void) throws {
        if let decoded = state.decodedBefore {
            // An append's few, kept decoded for the next.
            var keys: [String] = [], values: [[UInt8]] = []
            for (id, entry) in entries {
                if entry.changed {
                    let key = prefix + id, value = try entry.message.stateBytes(sharing: state.encodings)
                    keys.append(key)
                    values.append(value)
                    decoded.keep(key, value, entry.message)
                } else if let loaded = entry.loaded {
                    decoded.keep(prefix + id, loaded, entry.message)
                }
            }
            entries.removeAll(keepingCapacity: true)
            return try write(keys, values)
        }
        var keys: [String] = []
        var messages: [M] = []
        for (id, entry) in entries where entry.changed {
            keys.append(prefix + id)
            messages.append(entry.message)
        }
        entries.removeAll(keepingCapacity: true)
        // Encoding the messages, then freeing them, is most of a flush, and the end of a
        // rebuild flushes every message at once: the cores encode and free a part at a
        // time, several parts each, so that none waits long for the last.
        let count = messages.count >= 1_000 ? 4 * ProcessInfo.processInfo.activeProcessorCount : 1
        let parts = (0..<count).map { part in
            let range = messages.count * part / count..<messages.count * (part + 1) / count
            return MessagesPart(keys: Array(keys[range]), messages: Array(messages[range]))
        }
        messages = []
        _ = try inParallel(parts) { part in try write(part.keys, part.encodeAndFree()) }
    }
}

/// Entries encoded by several threads, gathered.
private final class EncodedEntries: @unchecked Sendable {
    private let lock = NSLock()
    private var gathered: [(key: String, value: [UInt8])] = []

    func add(_ keys: [String], _ values: [[UInt8]]) {
        lock.withLock { gathered += zip(keys, values).map { ($0, $1) } }
    }

    var entries: [(key: String, value: [UInt8])] { lock.withLock { gathered } }
}

/// Messages that one thread encodes and then frees, holding the last reference to them.
private final class MessagesPart<M: SwiftProtobuf.Message>: @unchecked Sendable {
    let keys: [String]
    private var messages: [M]

    init(keys: [String], messages: [M]) {
        self.keys = keys
        self.messages = messages
    }

    /// The messages' state bytes, in order; the messages are gone afterwards.
    func encodeAndFree() throws -> [[UInt8]] {
        defer { messages = [] }
        return try messages.map { try $0.stateBytes() }
    }
}
