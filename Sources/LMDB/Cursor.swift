import CLMDB
import Foundation

/// A position in a database, valid only inside `withCursor`.
///
/// Each move returns the entry it lands on, or `nil` past either end. The key and
/// value bytes live in the memory map: copy what must outlive the transaction.
public struct Cursor: ~Copyable {
    let handle: OpaquePointer

    /// An entry seen through a cursor.
    public typealias Entry = (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)

    public mutating func first() throws -> Entry? { try move(MDB_FIRST) }
    public mutating func last() throws -> Entry? { try move(MDB_LAST) }
    public mutating func next() throws -> Entry? { try move(MDB_NEXT) }
    public mutating func previous() throws -> Entry? { try move(MDB_PREV) }

    /// Moves to the first entry whose key is greater than or equal to `key`.
    public mutating func seek(atLeast key: some ContiguousBytes) throws -> Entry? {
        try key.withUnsafeBytes { keyBytes in
            var k = MDB_val(keyBytes)
            var v = MDB_val()
            let rc = mdb_cursor_get(handle, &k, &v, MDB_SET_RANGE)
            if rc == MDB_NOTFOUND { return nil }
            try check(rc)
            return (k.bytes, v.bytes)
        }
    }

    private mutating func move(_ op: MDB_cursor_op) throws -> Entry? {
        var k = MDB_val()
        var v = MDB_val()
        let rc = mdb_cursor_get(handle, &k, &v, op)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc)
        return (k.bytes, v.bytes)
    }
}

/// A cursor that writes, valid only inside `WriteTransaction.withWriteCursor`.
///
/// It keeps its place between puts: LMDB puts a key that lands on the page the cursor
/// is on without searching from the root, and an append after an append without
/// looking for the last key again. A run of nearby keys costs less than separate
/// `WriteTransaction.put` calls, which each search from the root.
public struct WriteCursor: ~Copyable {
    @usableFromInline let handle: OpaquePointer

    /// Stores `value` under `key`.
    @inlinable
    public mutating func put(key: some ContiguousBytes, value: some ContiguousBytes, flags: PutFlags = []) throws {
        try withValues(key, value) { k, v in try check(mdb_cursor_put(handle, &k, &v, flags.rawValue)) }
    }

    /// Reserves `count` bytes under `key` (`MDB_RESERVE`) and calls `write` to fill them in
    /// place, so the value is written once, straight into its page.
    @inlinable
    public mutating func put<R>(
        key: some ContiguousBytes, reserving count: Int, flags: PutFlags = [],
        _ write: (UnsafeMutableRawBufferPointer) -> R
    ) throws -> R {
        try key.withUnsafeBytes { keyBytes in
            var k = MDB_val(keyBytes)
            var v = MDB_val(mv_size: count, mv_data: nil)
            try check(mdb_cursor_put(handle, &k, &v, flags.rawValue | UInt32(MDB_RESERVE)))
            return write(UnsafeMutableRawBufferPointer(start: v.mv_data, count: count))
        }
    }
}
