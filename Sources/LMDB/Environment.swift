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
    /// Check every page of every database when opening (`Environment.checkPages()`),
    /// before anything reads them through the map.
    public var checkPages = false

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
    ///
    /// - Throws: `StoreDamage` when `data.mdb` is shorter than the pages its last commit
    ///   uses or has no readable meta pages (nothing has read the map then), or when
    ///   `options.checkPages` finds a damaged page.
    public init(path: String, options: EnvironmentOptions = .init()) throws {
        // A data file of no bytes would be taken for a new environment and written afresh.
        if let size = Self.dataFileSize(path), size == 0 {
            throw StoreDamage(store: path, kind: .truncated(expectedBytes: 2 * Int(sysconf(Int32(_SC_PAGESIZE))), actualBytes: 0))
        }
        var raw: OpaquePointer?
        try check(mdb_env_create(&raw))
        guard let env = raw else { throw LMDBError.invalid }
        openStores[env] = path
        do {
            try check(mdb_env_set_assert(env, reportAssertion))
            try check(mdb_env_set_maxdbs(env, options.maxDatabases))
            try check(mdb_env_set_maxreaders(env, options.maxReaders))
            try check(mdb_env_set_mapsize(env, options.mapSize))
            // MDB_NOTLS: read transactions are not tied to a thread (Swift tasks hop threads).
            var flags = UInt32(MDB_NOTLS)
            if options.readOnly { flags |= UInt32(MDB_RDONLY) }
            if options.noSync { flags |= UInt32(MDB_NOSYNC) }
            // New data.mdb and lock.mdb are readable and writable by their owner only.
            let opened = mdb_env_open(env, path, flags, 0o600)
            if opened == MDB_INVALID { throw StoreDamage(store: path, kind: .unreadableMeta) }
            try check(opened)
            try Self.checkSize(env, path: path)
            var dead: Int32 = 0
            try check(mdb_reader_check(env, &dead))
        } catch {
            openStores[env] = nil
            mdb_env_close(env)
            throw error
        }
        self.handle = env
        self.path = path
        self.options = options
        if options.checkPages { try checkPages() }
    }

    deinit {
        openStores[handle] = nil
        mdb_env_close(handle)
    }

    /// Refuses a data file shorter than the pages its last commit uses (`me_last_pgno`),
    /// before anything reads the map: a read past the file's end faults with SIGBUS.
    private static func checkSize(_ env: OpaquePointer, path: String) throws {
        var info = MDB_envinfo(), stat = MDB_stat()
        try check(mdb_env_info(env, &info))
        try check(mdb_env_stat(env, &stat))
        let expected = (info.me_last_pgno + 1) * Int(stat.ms_psize)
        guard let actual = dataFileSize(path), actual < expected else { return }
        // LMDB may leave the last pages unwritten when its free list holds them: look, in a
        // snapshot (so no writer reuses them meanwhile), whether the missing ones are free.
        var txn: OpaquePointer?
        try check(mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn))
        defer { mdb_txn_abort(txn) }
        let file = try DataFile(store: path)
        var tailIsFree = false
        if let meta = try? file.meta(transaction: UInt64(mdb_txn_id(txn))) {
            tailIsFree = (try? file.unwrittenTailIsFree(meta)) ?? false
        }
        guard tailIsFree else {
            throw StoreDamage(store: path, kind: .truncated(expectedBytes: expected, actualBytes: actual))
        }
    }

    /// The size of `data.mdb` in directory `path`, or `nil` when there is none.
    private static func dataFileSize(_ path: String) -> Int? {
        var status = stat()
        guard stat(path + "/data.mdb", &status) == 0 else { return nil }
        return Int(status.st_size)
    }

    /// Reads every page of every database as one snapshot sees them, with `pread` rather
    /// than through the map, and checks each page's header and entries and each overflow
    /// run's, so that damage that would stop LMDB in an assertion is reported instead.
    ///
    /// The snapshot is held while the pages are read (its pages cannot be reused meanwhile),
    /// so the check takes as long as reading the file, not as long as using its contents.
    /// - Throws: `StoreDamage` naming the first damaged page and its database.
    public func checkPages() throws {
        let file = try DataFile(store: path)
        var checked = false
        while !checked {
            checked = try read { txn in
                // nil: two commits since the snapshot began overwrote its meta page; take a newer one.
                guard let meta = try file.meta(transaction: UInt64(mdb_txn_id(txn.unsafeHandle))) else { return false }
                try file.checkPages(of: meta)
                return true
            }
        }
    }

    /// The current size of the memory map in bytes.
    public var mapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return info.me_mapsize
    }

    /// Runs `body` in a read-only snapshot.
    /// - Throws: `StoreDamage` for `MDB_CORRUPTED`, naming the store; what `body` throws.
    public func read<R>(_ body: (borrowing ReadTransaction) throws -> R) throws -> R {
        let txn = try begin(flags: UInt32(MDB_RDONLY))
        defer {
            mdb_txn_abort(txn)
            resizeLock.unlock()
        }
        do {
            return try body(ReadTransaction(unsafeHandle: txn))
        } catch {
            throw error as? LMDBError == .corrupted ? corruption : error
        }
    }

    /// LMDB's `MDB_CORRUPTED`, as damage to this store.
    private var corruption: StoreDamage {
        StoreDamage(store: path, kind: .corruptPage(LMDBError.corrupted.message))
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
            throw error as? LMDBError == .corrupted ? corruption : error
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
            throw rc == MDB_CORRUPTED ? corruption : LMDBError(code: rc)
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

/// The store directory of each open environment, for LMDB's assertion callback: a C
/// function, which cannot capture it.
private let openStores = OpenStores()

/// Environments' directories by handle, behind a lock.
private final class OpenStores: @unchecked Sendable {
    private let lock = NSLock()
    private var paths: [OpaquePointer: String] = [:]

    subscript(environment: OpaquePointer) -> String? {
        get { lock.withLock { paths[environment] } }
        set { lock.withLock { paths[environment] = newValue } }
    }
}

/// LMDB's assertion callback (`mdb_env_set_assert`): names the store and what to do on
/// standard error, then ends the process with status 1 rather than LMDB's `abort()`.
private func reportAssertion(_ env: OpaquePointer?, _ message: UnsafePointer<CChar>?) {
    let store = env.flatMap { openStores[$0] } ?? "(unknown)"
    let damage = StoreDamage(store: store, kind: .corruptPage(message.map { String(cString: $0) } ?? "an assertion failed"))
    let program = CommandLine.arguments.first.map { ($0 as NSString).lastPathComponent } ?? "lmdb"
    let text = Array("\(program): \(damage)\n".utf8)
    _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    _exit(1)
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
