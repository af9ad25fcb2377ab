import CLMDB
import Foundation

/// How an environment is opened.
public struct EnvironmentOptions: Sendable {
    /// Initial size of the memory map in bytes; it doubles whenever a write finds it full.
    public var mapSize: Int = 64 << 20
    /// Maximum number of named databases.
    public var maxDatabases: UInt32 = 32
    /// Maximum number of simultaneous read transactions across all processes.
    public var maxReaders: UInt32 = 126
    /// Open without the right to write (`MDB_RDONLY`).
    public var readOnly = false
    /// Skip `fsync` at commit (`MDB_NOSYNC`): faster, but a system crash may lose
    /// the last commits. A killed process loses nothing either way.
    public var noSync = false

    public init() {}
}

/// An LMDB environment: one store directory holding named databases.
///
/// Transactions are scoped closures: `read { txn in … }` and `write { txn in … }`.
/// A write commits when its closure returns and aborts when it throws. Several
/// processes may open the same directory at once.
public final class Environment: @unchecked Sendable {
    let handle: OpaquePointer
    /// Held shared by every transaction, exclusively while the map is resized:
    /// lmdb.h: "This function may only be called if no transactions are active in this process."
    let resizeLock = ReadWriteLock()

    /// The directory holding `data.mdb` and `lock.mdb`.
    public let path: String
    public let options: EnvironmentOptions

    /// Opens (creating the files when needed) the environment in directory `path`,
    /// and clears reader slots left by dead processes.
    public init(path: String, options: EnvironmentOptions = .init()) throws {
        var raw: OpaquePointer?
        try check(mdb_env_create(&raw))
        guard let env = raw else { throw LMDBError.invalid }
        do {
            try check(mdb_env_set_maxdbs(env, options.maxDatabases))
            try check(mdb_env_set_maxreaders(env, options.maxReaders))
            try check(mdb_env_set_mapsize(env, options.mapSize))
            // MDB_NOTLS: read transactions are not tied to a thread (Swift tasks hop threads).
            var flags = UInt32(MDB_NOTLS)
            if options.readOnly { flags |= UInt32(MDB_RDONLY) }
            if options.noSync { flags |= UInt32(MDB_NOSYNC) }
            // New data.mdb and lock.mdb are readable and writable by their owner only.
            try check(mdb_env_open(env, path, flags, 0o600))
            var dead: Int32 = 0
            try check(mdb_reader_check(env, &dead))
        } catch {
            mdb_env_close(env)
            throw error
        }
        self.handle = env
        self.path = path
        self.options = options
    }

    deinit { mdb_env_close(handle) }

    /// The current size of the memory map in bytes.
    public var mapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return info.me_mapsize
    }

    /// Runs `body` in a read-only snapshot.
    public func read<R>(_ body: (borrowing ReadTransaction) throws -> R) throws -> R {
        let txn = try begin(flags: UInt32(MDB_RDONLY))
        defer {
            mdb_txn_abort(txn)
            resizeLock.unlock()
        }
        return try body(ReadTransaction(unsafeHandle: txn))
    }

    /// Runs `body` in a write transaction: commits when it returns, aborts when it throws.
    ///
    /// When the map is full the transaction is aborted, the map doubled and `body`
    /// run again from the start, so `body` must not have effects outside the transaction.
    @discardableResult
    public func write<R>(_ body: (borrowing WriteTransaction) throws -> R) throws -> R {
        while true {
            do {
                return try writeOnce(body)
            } catch LMDBError.mapFull {
                try resize(to: mapSize * 2)
            }
        }
    }

    private func writeOnce<R>(_ body: (borrowing WriteTransaction) throws -> R) throws -> R {
        let txn = try begin(flags: 0)
        defer { resizeLock.unlock() }
        let result: R
        do {
            result = try body(WriteTransaction(unsafeHandle: txn))
        } catch {
            mdb_txn_abort(txn)
            throw error
        }
        // lmdb.h: mdb_txn_commit frees the transaction whether or not it succeeds,
        // so it is never aborted after this point.
        try check(mdb_txn_commit(txn))
        return result
    }

    /// Begins a transaction holding the resize lock shared; adopts a map grown by another process.
    private func begin(flags: UInt32) throws -> OpaquePointer {
        while true {
            resizeLock.lockShared()
            var txn: OpaquePointer?
            let rc = mdb_txn_begin(handle, nil, flags, &txn)
            if rc == MDB_SUCCESS, let txn { return txn }
            resizeLock.unlock()
            // lmdb.h: "MDB_MAP_RESIZED - another process wrote data beyond this MDB_env's
            // mapsize and this env's map must be resized as well."
            if rc == MDB_MAP_RESIZED {
                try resize(to: 0)
                continue
            }
            throw LMDBError(code: rc)
        }
    }

    /// Sets the map size (0 adopts the size another process set).
    private func resize(to size: Int) throws {
        resizeLock.lockExclusive()
        defer { resizeLock.unlock() }
        try check(mdb_env_set_mapsize(handle, size))
    }

    /// Opens the named database, creating it when `create` is true (which needs a writable environment).
    public func openDatabase(_ name: String?, create: Bool = false) throws -> Database {
        let txn = try begin(flags: create ? 0 : UInt32(MDB_RDONLY))
        defer { resizeLock.unlock() }
        var dbi = MDB_dbi()
        let rc = mdb_dbi_open(txn, name, create ? UInt32(MDB_CREATE) : 0, &dbi)
        guard rc == MDB_SUCCESS else {
            mdb_txn_abort(txn)
            throw LMDBError(code: rc)
        }
        // lmdb.h: "The database handle will be private to the current transaction until
        // the transaction is successfully committed", read-only or not.
        try check(mdb_txn_commit(txn))
        return Database(dbi: dbi, name: name)
    }

    /// Flushes buffers to disk (useful after writes made with `noSync`).
    public func sync() throws {
        try check(mdb_env_sync(handle, 1))
    }
}

/// A minimal POSIX read-write lock.
final class ReadWriteLock: @unchecked Sendable {
    private let lock = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)

    init() { pthread_rwlock_init(lock, nil) }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    func lockShared() { pthread_rwlock_rdlock(lock) }
    func lockExclusive() { pthread_rwlock_wrlock(lock) }
    func unlock() { pthread_rwlock_unlock(lock) }
}
