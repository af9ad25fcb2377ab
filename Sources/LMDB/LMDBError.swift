import CLMDB

/// An error reported by LMDB: its result code and LMDB's own message.
///
/// Match a code directly: `catch LMDBError.mapFull { … }`.
public struct LMDBError: Error, Equatable, Hashable, CustomStringConvertible {
    /// The LMDB or system (`errno`) result code.
    public let code: Int32

    public init(code: Int32) { self.code = code }

    /// LMDB's description of the code (`mdb_strerror`).
    public var message: String { String(cString: mdb_strerror(code)) }

    public var description: String { "LMDB error \(code): \(message)" }

    public static let keyExists = LMDBError(code: MDB_KEYEXIST)
    public static let notFound = LMDBError(code: MDB_NOTFOUND)
    public static let corrupted = LMDBError(code: MDB_CORRUPTED)
    public static let invalid = LMDBError(code: MDB_INVALID)
    public static let mapFull = LMDBError(code: MDB_MAP_FULL)
    public static let badValueSize = LMDBError(code: MDB_BAD_VALSIZE)

    /// Lets `catch LMDBError.mapFull` match any thrown error carrying that code.
    public static func ~= (pattern: LMDBError, error: any Error) -> Bool {
        (error as? LMDBError) == pattern
    }
}

/// Throws an `LMDBError` unless `code` is `MDB_SUCCESS`.
@inline(__always) @usableFromInline
func check(_ code: Int32) throws(LMDBError) {
    if code != MDB_SUCCESS { throw LMDBError(code: code) }
}
