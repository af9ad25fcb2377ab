import Crypto
import Foundation
import LMDB

/// The learners' data keys, kept outside the hashed log: an LMDB environment of its own,
/// the store's `keys` directory, holding one random 256-bit key per learner reference.
///
/// The environment is opened for each use and closed after it, under a shared lock on
/// `keys/guard` (and, within a process, one use at a time). Destroying a key holds that
/// lock exclusively while it swaps in a compacted copy without the key and wipes the old
/// file, so no process can be writing to a file that is no longer the key store.
public struct LearnerKeys: Sendable {
    /// The key store's directory.
    public let directory: String

    /// The key store of the centre's store at `store`. Nothing is created until a key is made.
    public init(store: String) {
        directory = store + "/keys"
    }

    /// The keys of those of `learners` that have one.
    public func keys(of learners: some Sequence<String>) throws -> [String: SymmetricKey] {
        guard FileManager.default.fileExists(atPath: directory + "/data.mdb") else { return [:] }
        return try use(exclusive: false) { environment, database, _ in
            try environment.read { txn in
                var found: [String: SymmetricKey] = [:]
                for learner in learners where found[learner] == nil {
                    if let bytes = try txn.get(database, key: Array(learner.utf8)) { found[learner] = SymmetricKey(data: bytes) }
                }
                return found
            }
        }
    }

    /// The centre's secret `name` (256 random bits), made the first time it is asked for:
    /// the key of the digests under which the rules remember ULNs.
    public func secret(named name: String) throws -> SymmetricKey {
        try use(exclusive: false, database: "centre") { environment, database, _ in
            try environment.write { txn in
                if let bytes = try txn.get(database, key: Array(name.utf8)) { return SymmetricKey(data: bytes) }
                let secret = SymmetricKey(size: .bits256)
                try secret.withUnsafeBytes { try txn.put(database, key: Array(name.utf8), value: $0) }
                return secret
            }
        }
    }

    /// Every learner's key.
    public func all() throws -> [String: SymmetricKey] {
        guard FileManager.default.fileExists(atPath: directory + "/data.mdb") else { return [:] }
        return try use(exclusive: false) { environment, database, _ in
            try environment.read { txn in
                try txn.withReader { reader in
                    var all: [String: SymmetricKey] = [:]
                    for (name, bytes) in try reader.entries(database, prefix: []) { all[String(decoding: name, as: UTF8.self)] = SymmetricKey(data: bytes) }
                    return all
                }
            }
        }
    }

    /// The key of each of `learners`, made by `newKey` (by default 256 bits from the
    /// system's random source) for those without one, and stored and synced to disk
    /// before this returns.
    public func keys(
        making learners: some Sequence<String>, newKey: () -> SymmetricKey = { SymmetricKey(size: .bits256) }
    ) throws -> [String: SymmetricKey] {
        let made = try keysSyncedLater(making: learners, newKey: newKey)
        try made.sync.wait()
        return made.keys
    }

    /// The key of each of `learners`, as `keys(making:newKey:)` gives them, but written
    /// without waiting for the disk: `sync` flushes the key store on another thread, still
    /// holding it shared (so no key can be destroyed meanwhile), and its `wait()` returns
    /// once the keys made are durable. An append waits for it just before it commits
    /// records sealed under them, so the flush overlaps the append's own work.
    public func keysSyncedLater(
        making learners: some Sequence<String>, newKey: () -> SymmetricKey = { SymmetricKey(size: .bits256) }
    ) throws -> (keys: [String: SymmetricKey], sync: KeySync) {
        try use(exclusive: false, noSync: true) { environment, database, guardFile in
            var madeAny = false
            let keys = try environment.write { txn in
                var keys: [String: SymmetricKey] = [:]
                for learner in learners where keys[learner] == nil {
                    let name = Array(learner.utf8)
                    if let bytes = try txn.get(database, key: name) {
                        keys[learner] = SymmetricKey(data: bytes)
                    } else {
                        let key = newKey()
                        try key.withUnsafeBytes { try txn.put(database, key: name, value: $0) }
                        keys[learner] = key
                        madeAny = true
                    }
                }
                return keys
            }
            return (keys, madeAny ? try KeySync(file: directory + "/data.mdb", holding: guardFile) : KeySync())
        }
    }

    /// Destroys `learner`'s key so that no copy of it is left in the key store's files: the
    /// key is deleted, a compacted copy of the store (which leaves out freed pages) replaces
    /// the data file, and the old file's bytes are overwritten with zeros before it is let
    /// go. Returns whether the learner had a key.
    ///
    /// Copies made before (backups of `keys`) still hold the key: `docs/operations.md`
    /// says how long to keep them.
    @discardableResult
    public func destroy(_ learner: String) throws -> Bool {
        guard FileManager.default.fileExists(atPath: directory + "/data.mdb") else { return false }
        return try use(exclusive: true) { environment, database, _ in
            let deleted = try environment.write { txn in try txn.delete(database, key: Array(learner.utf8)) }
            guard deleted else { return false }
            let compacted = directory + "/compacted"
            try? FileManager.default.removeItem(atPath: compacted)
            try FileManager.default.createDirectory(atPath: compacted, withIntermediateDirectories: false)
            try environment.copy(to: compacted, compacting: true)
            return true
        } after: { deleted in
            guard deleted else { return }
            try swapInCompactedCopy()
        }
    }

    /// Replaces `data.mdb` with the compacted copy and wipes the old file through a
    /// descriptor kept open across the rename. Called with the environment closed and
    /// the guard held exclusively.
    private func swapInCompactedCopy() throws {
        let data = directory + "/data.mdb"
        let old = open(data, O_RDWR | O_CLOEXEC)
        guard old >= 0 else { throw KeyStoreError("cannot open \(data): \(String(cString: strerror(errno)))") }
        defer { close(old) }
        guard rename(directory + "/compacted/data.mdb", data) == 0 else {
            throw KeyStoreError("cannot replace \(data): \(String(cString: strerror(errno)))")
        }
        try? FileManager.default.removeItem(atPath: directory + "/compacted")
        try syncDirectory()
        var status = stat()
        guard fstat(old, &status) == 0 else { throw KeyStoreError("cannot read the size of the old key store") }
        let zeros = [UInt8](repeating: 0, count: 1 << 16)
        var offset: off_t = 0
        while offset < status.st_size {
            let count = min(zeros.count, Int(status.st_size - offset))
            let written = zeros.withUnsafeBytes { pwrite(old, $0.baseAddress, count, offset) }
            guard written > 0 else { throw KeyStoreError("cannot wipe the old key store: \(String(cString: strerror(errno)))") }
            offset += off_t(written)
        }
        guard fsync(old) == 0 else { throw KeyStoreError("cannot sync the wiped key store") }
    }

    private func syncDirectory() throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw KeyStoreError("cannot open \(directory)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw KeyStoreError("cannot sync \(directory)") }
    }

    /// Opens the environment under the guard, calls `body` with it, its database
    /// `database` and the guard's descriptor, closes it, then calls `after` (still under
    /// the guard) with the result. With `noSync`, commits do not wait for the disk.
    private func use<R>(
        exclusive: Bool, noSync: Bool = false, database name: String = "learners", _ body: (Environment, Database, Int32) throws -> R,
        after: (R) throws -> Void = { _ in }
    ) throws -> R {
        Self.inProcess.lock()
        defer { Self.inProcess.unlock() }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let guardFile = open(directory + "/guard", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard guardFile >= 0 else { throw KeyStoreError("cannot open \(directory)/guard: \(String(cString: strerror(errno)))") }
        defer { close(guardFile) }
        guard flock(guardFile, exclusive ? LOCK_EX : LOCK_SH) == 0 else { throw KeyStoreError("cannot lock \(directory)/guard") }
        let result = try {
            var options = EnvironmentOptions()
            options.noSync = noSync
            let environment = try Environment(path: directory, options: options)
            let database = try environment.openDatabase(name, create: true)
            return try body(environment, database, guardFile)
        }()
        try after(result)
        return result
    }

    /// One use of a key store at a time in this process: LMDB must not have one environment
    /// open twice in a process.
    private static let inProcess = NSLock()
}

/// Keys written to the key store and being flushed to disk on another thread.
public final class KeySync: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var failure: String?

    /// Nothing to flush.
    init() { done.signal() }

    /// Flushes `file` on another thread, holding the lock of `guardFile` (duplicated) until then.
    init(file: String, holding guardFile: Int32) throws {
        let held = dup(guardFile)
        let data = open(file, O_RDONLY | O_CLOEXEC)
        guard held >= 0, data >= 0 else {
            if held >= 0 { close(held) }
            throw KeyStoreError("cannot open \(file) to sync it: \(String(cString: strerror(errno)))")
        }
        Thread.detachNewThread { [self] in
            if fdatasync(data) != 0 { failure = "cannot sync \(file): \(String(cString: strerror(errno)))" }
            close(data)
            close(held)
            done.signal()
        }
    }

    /// Returns once the keys are on disk. - Throws: `KeyStoreError` when the flush failed.
    public func wait() throws {
        done.wait()
        done.signal()
        if let failure { throw KeyStoreError(failure) }
    }
}

/// A key store that could not be read or changed, and why.
public struct KeyStoreError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
