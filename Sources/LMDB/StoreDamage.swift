import Foundation

/// Damage found in a store's `data.mdb`: the environment cannot be read as it stands.
///
/// Reported instead of letting LMDB read what is not there (a truncated file faults the
/// process with SIGBUS when the map is read past its end; a corrupt page stops it in an
/// assertion). Its description names the store and what to do.
public struct StoreDamage: Error, Equatable, CustomStringConvertible {
    /// What is wrong with the file.
    public enum Kind: Equatable, Sendable {
        /// The file is shorter than the pages the environment's last commit uses.
        case truncated(expectedBytes: Int, actualBytes: Int)
        /// The meta pages at the start of the file are missing or not LMDB's.
        case unreadableMeta
        /// A page reached from database `database` is not what its parent says it is.
        case page(number: UInt64, database: String, problem: String)
        /// LMDB met a page that is not what it expected: `MDB_CORRUPTED`, or one of its
        /// assertions (`mdb_env_set_assert`), with LMDB's message.
        case corruptPage(String)
    }

    /// The store directory.
    public let store: String
    public let kind: Kind

    public init(store: String, kind: Kind) {
        self.store = store
        self.kind = kind
    }

    /// What to do about any damage: the steps of "Damaged stores" in `docs/operations.md`.
    public static let remedy =
        "restore the store from its latest backup, then replay it against the last checkpoint you kept (see \"Damaged stores\" in docs/operations.md)"

    /// The commands that carry out the remedy, when a tool names them (`nil` in a library).
    public static var commands: String? {
        get { commandsLock.withLock { storedCommands } }
        set { commandsLock.withLock { storedCommands = newValue } }
    }
    private static let commandsLock = NSLock()
    private nonisolated(unsafe) static var storedCommands: String?

    public var description: String {
        "the store \(store) is damaged: \(problem); \(Self.remedy)" + (Self.commands.map { " (\($0))" } ?? "")
    }

    /// What is wrong, without the store or the remedy.
    public var problem: String {
        switch kind {
        case let .truncated(expected, actual):
            "data.mdb is truncated: it holds \(actual) bytes but its last commit uses \(expected)"
        case .unreadableMeta:
            "data.mdb has no readable LMDB meta pages at its start (the file is truncated, zeroed or not LMDB's)"
        case let .page(number, database, problem):
            "page \(number) of data.mdb (database \(database)): \(problem)"
        case let .corruptPage(message):
            "LMDB found a corrupt page in data.mdb (\(message))"
        }
    }
}
