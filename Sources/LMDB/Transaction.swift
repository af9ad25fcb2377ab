import CLMDB
import Foundation

/// What every transaction can do: read. Write transactions read their own writes.
///
/// Transactions exist only inside `Environment.read` and `Environment.write`
/// closures; bytes handed out by `withValue` and cursors are valid only there.
public protocol ReadableTransaction: ~Copyable {
    /// The raw `MDB_txn`, valid only inside the closure that received the transaction.
    var unsafeHandle: OpaquePointer { get }
}

extension ReadableTransaction where Self: ~Copyable {
    /// Calls `body` with the bytes stored under `key`, or `nil` when the key is absent.
    /// The bytes live in the memory map and are valid only during `body`.
    public func withValue<R>(
        _ database: Database, key: some ContiguousBytes,
        _ body: (UnsafeRawBufferPointer?) throws -> R
    ) throws -> R {
        try value(in: unsafeHandle, database, key: key, body)
    }

    /// A copy of the bytes stored under `key`, or `nil` when the key is absent.
    public func get(_ database: Database, key: some ContiguousBytes) throws -> [UInt8]? {
        try withValue(database, key: key) { $0.map { Array($0) } }
    }

    /// Calls `body` with a cursor over `database`; the cursor is closed when `body` returns.
    public func withCursor<R>(_ database: Database, _ body: (inout Cursor) throws -> R) throws -> R {
        try withCursorHandle(in: unsafeHandle, database) { handle in
            var cursor = Cursor(handle: handle)
            return try body(&cursor)
        }
    }

    /// Calls `body` with a reference to this transaction's reads, for code that keeps it
    /// in an object; the reference stops working when `body` returns.
    public func withReader<R>(_ body: (TransactionReader) throws -> R) rethrows -> R {
        let reader = TransactionReader(handle: unsafeHandle)
        defer { reader.handle = nil }
        return try body(reader)
    }

    /// The number of entries in `database`.
    public func count(_ database: Database) throws -> Int {
        var stat = MDB_stat()
        try check(mdb_stat(unsafeHandle, database.dbi, &stat))
        return Int(stat.ms_entries)
    }
}

/// A read-only snapshot of the environment.
public struct ReadTransaction: ~Copyable, ReadableTransaction {
    public let unsafeHandle: OpaquePointer
}

/// A read-write transaction: commits when its closure returns, aborts when it throws.
public struct WriteTransaction: ~Copyable, ReadableTransaction {
    public let unsafeHandle: OpaquePointer

    /// Runs `body` in a transaction nested in this one: its writes become this
    /// transaction's when `body` returns, and are dropped, leaving this one as it was,
    /// when it throws. This transaction is not used until `body` ends.
    ///
    /// lmdb.h: "Transactions may be nested to any level. A parent transaction and its
    /// cursors may not issue any other operations than mdb_txn_commit and mdb_txn_abort
    /// while it has active child transactions."
    public func nested<R>(_ body: (borrowing WriteTransaction) throws -> R) throws -> R {
        var child: OpaquePointer?
        try check(mdb_txn_begin(mdb_txn_env(unsafeHandle), unsafeHandle, 0, &child))
        let result: R
        do {
            result = try body(WriteTransaction(unsafeHandle: child!))
        } catch {
            mdb_txn_abort(child)
            throw error
        }
        // lmdb.h: mdb_txn_commit frees the transaction whether or not it succeeds.
        try check(mdb_txn_commit(child))
        return result
    }

    /// Stores `value` under `key`.
    public func put(
        _ database: Database, key: some ContiguousBytes, value: some ContiguousBytes,
        flags: PutFlags = []
    ) throws {
        try withValues(key, value) { k, v in try check(mdb_put(unsafeHandle, database.dbi, &k, &v, flags.rawValue)) }
    }

    /// Calls `body` with a cursor that writes to `database`; the cursor is closed when
    /// `body` returns.
    public func withWriteCursor<R>(_ database: Database, _ body: (inout WriteCursor) throws -> R) throws -> R {
        try withCursorHandle(in: unsafeHandle, database) { handle in
            var cursor = WriteCursor(handle: handle)
            return try body(&cursor)
        }
    }

    /// Removes `key`; returns whether it was present.
    @discardableResult
    public func delete(_ database: Database, key: some ContiguousBytes) throws -> Bool {
        try key.withUnsafeBytes { keyBytes in
            var k = MDB_val(keyBytes)
            let rc = mdb_del(unsafeHandle, database.dbi, &k, nil)
            if rc == MDB_NOTFOUND { return false }
            try check(rc)
            return true
        }
    }

    /// Removes every entry of `database`, keeping the database itself.
    public func clear(_ database: Database) throws {
        try check(mdb_drop(unsafeHandle, database.dbi, 0))
    }
}

/// Reads through a transaction from inside an object; see `withReader`.
public final class TransactionReader {
    fileprivate var handle: OpaquePointer?

    fileprivate init(handle: OpaquePointer) { self.handle = handle }

    /// A copy of the bytes stored under `key`, or `nil` when the key is absent.
    public func get(_ database: Database, key: some ContiguousBytes) throws -> [UInt8]? {
        guard let handle else { preconditionFailure("a TransactionReader was used after its transaction") }
        return try value(in: handle, database, key: key) { $0.map { Array($0) } }
    }
}

extension TransactionReader {
    /// Copies of the entries of `database` whose keys start with `prefix` (all of them when
    /// it is empty), in key order.
    public func entries(_ database: Database, prefix: [UInt8]) throws -> [(key: [UInt8], value: [UInt8])] {
        try collect { try walk(database, prefix: prefix, $0) }
    }

    /// Calls `body` with `next`, which gives a copy of the next entry of `database` whose
    /// key starts with `prefix` (all of them when it is empty) at each call, in key order,
    /// then `nil`: the entries are read as they are asked for, not held all at once.
    public func walk<R>(
        _ database: Database, prefix: [UInt8], _ body: (_ next: () throws -> (key: [UInt8], value: [UInt8])?) throws -> R
    ) throws -> R {
        guard let handle else { preconditionFailure("a TransactionReader was used after its transaction") }
        return try withCursorHandle(in: handle, database) { cursorHandle in
            var started = false, ended = false
            return try body {
                guard !ended else { return nil }
                var cursor = Cursor(handle: cursorHandle)
                // lmdb.h: a zero-length key is MDB_BAD_VALSIZE, so an empty prefix starts at the first entry.
                let entry = started ? try cursor.next() : prefix.isEmpty ? try cursor.first() : try cursor.seek(atLeast: prefix)
                started = true
                guard let (key, value) = entry, key.starts(with: prefix) else {
                    ended = true
                    return nil
                }
                return (Array(key), Array(value))
            }
        }
    }
}

/// `mdb_cursor_open`: calls `body` with a new cursor on `database`, closed when `body` returns.
private func withCursorHandle<R>(in txn: OpaquePointer, _ database: Database, _ body: (OpaquePointer) throws -> R) throws -> R {
    var raw: OpaquePointer?
    try check(mdb_cursor_open(txn, database.dbi, &raw))
    defer { mdb_cursor_close(raw) }
    return try body(raw!)
}

/// Calls `body` with `key` and `value` as LMDB values, valid only during `body`.
@inlinable
func withValues<R>(
    _ key: some ContiguousBytes, _ value: some ContiguousBytes, _ body: (inout MDB_val, inout MDB_val) throws -> R
) rethrows -> R {
    try key.withUnsafeBytes { keyBytes in
        try value.withUnsafeBytes { valueBytes in
            var k = MDB_val(keyBytes)
            var v = MDB_val(valueBytes)
            return try body(&k, &v)
        }
    }
}

/// `mdb_get`: calls `body` with the bytes under `key` (valid only during `body`), or `nil`.
private func value<R>(
    in txn: OpaquePointer, _ database: Database, key: some ContiguousBytes,
    _ body: (UnsafeRawBufferPointer?) throws -> R
) throws -> R {
    try key.withUnsafeBytes { keyBytes in
        var k = MDB_val(keyBytes)
        var v = MDB_val()
        let rc = mdb_get(txn, database.dbi, &k, &v)
        if rc == MDB_NOTFOUND { return try body(nil) }
        try check(rc)
        return try body(v.bytes)
    }
}

extension MDB_val {
    @usableFromInline
    init(_ bytes: UnsafeRawBufferPointer) {
        self.init(mv_size: bytes.count, mv_data: UnsafeMutableRawPointer(mutating: bytes.baseAddress))
    }

    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: mv_data, count: mv_size)
    }
}

/// The entries a walk gives (`TransactionReader.walk`, or a walk built on it), all held at once.
public func collect<Entry>(_ walk: ((_ next: () throws -> Entry?) throws -> Void) throws -> Void) rethrows -> [Entry] {
    var entries: [Entry] = []
    try walk { next in
        while let entry = try next() { entries.append(entry) }
    }
    return entries
}
