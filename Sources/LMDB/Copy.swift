import CLMDB
import Foundation

extension Environment {
    /// Writes a consistent copy of the environment, as of one read transaction, into the
    /// existing empty directory `directory`: a `data.mdb` readable and writable by its
    /// owner only (0600), flushed to disk before this returns. Writers may go on meanwhile.
    ///
    /// With `compacting`, free pages are left out and pages renumbered (`MDB_CP_COMPACT`),
    /// so the copy is usually smaller than the original.
    ///
    /// ```swift
    /// try environment.copy(to: "backups/2026-11-23", compacting: true)
    /// ```
    public func copy(to directory: String, compacting: Bool = true) throws {
        while true {
            // The copy runs its own read transaction, so the map must not be resized meanwhile.
            resizeLock.lockShared()
            let rc = mdb_env_copy2(handle, directory, compacting ? UInt32(MDB_CP_COMPACT) : 0)
            resizeLock.unlock()
            // lmdb.h: "MDB_MAP_RESIZED - another process wrote data beyond this MDB_env's
            // mapsize": a read transaction adopts the new size, then the copy starts again.
            guard rc != MDB_MAP_RESIZED else {
                try read { _ in }
                continue
            }
            try check(rc)
            break
        }
        // mdb_env_copy2 creates the file 0666 less the umask, and does not sync it.
        let file = directory + "/data.mdb"
        let fd = open(file, O_RDONLY)
        guard fd >= 0 else { throw LMDBError(code: errno) }
        defer { close(fd) }
        guard fchmod(fd, 0o600) == 0, fsync(fd) == 0 else { throw LMDBError(code: errno) }
    }
}
