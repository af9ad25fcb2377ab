import CLMDB

/// A named database inside an environment: a handle valid for the environment's lifetime.
public struct Database: Sendable, Hashable {
    let dbi: MDB_dbi
    /// The database's name, or `nil` for the environment's main database.
    public let name: String?
}

/// How `put` treats an existing key.
public struct PutFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Refuse with `LMDBError.keyExists` when the key is already present.
    public static let noOverwrite = PutFlags(rawValue: UInt32(MDB_NOOVERWRITE))
    /// The key sorts after every key present: a fast append (`LMDBError.keyExists` otherwise).
    public static let append = PutFlags(rawValue: UInt32(MDB_APPEND))
}
