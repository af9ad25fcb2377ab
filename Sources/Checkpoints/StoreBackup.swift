import EventLog
import Foundation
import LMDB

/// Why a backup was not written or not restored.
public struct BackupError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A file of a backup or a restored store.
public struct BackupFile: Equatable, Sendable {
    public let name: String
    public let bytes: UInt64
}

/// What a backup holds, as checked after it was written or before it was restored.
public struct BackupSummary: Sendable {
    /// The log's size, last chain hash and Merkle root.
    public let head: Head
    /// The number of signed checkpoints kept, each checked against the key and the log.
    public let checkpoints: Int
    /// The centre's identity from its signing key, or `nil` when the store has no key.
    public let centre: String?
    /// The files written, by name.
    public let files: [BackupFile]
    /// Files of the source directory that are not part of a store and were not copied.
    public let leftOut: [String]
}

/// A store's backup: a directory holding a compacted copy of its LMDB environment
/// (`data.mdb`) and, when the store has one, the centre's signing key (`centre.key`).
/// The directory is 0700 and its files 0600, as in a store.
///
/// Both ways, the files are written into a staging directory beside the destination
/// (`NAME.partial-XXXXXX`), flushed, checked, and only then renamed to the destination:
/// a directory bearing the destination's name is always complete.
///
/// ```swift
/// let written = try StoreBackup.write(store: "centre.store", to: "backups/2026-11-23")
/// let restored = try StoreBackup.restore(from: "backups/2026-11-23", to: "centre.store")
/// ```
public enum StoreBackup {
    /// The LMDB environment's data file; `lock.mdb` is not copied, since LMDB recreates it.
    static let dataFile = "data.mdb"
    static let lockFile = "lock.mdb"

    /// Writes a backup of the store in directory `store` into `directory`, which must be new
    /// or empty, while other processes go on reading and appending: a consistent, compacted
    /// copy of the log, its indexes, reports and checkpoints as of one commit, and the key.
    /// The copy is verified before it takes the name `directory`.
    ///
    /// - Throws: `BackupError` when `directory` holds anything, or the copy does not check.
    public static func write(store: String, to directory: String) throws -> BackupSummary {
        let log = try EventLog(openingAt: store)
        let keyPath = SigningKey.path(inStore: store)
        let key = FileManager.default.fileExists(atPath: keyPath) ? try SigningKey(contentsOf: keyPath) : nil
        let staging = try Staging(for: directory, refusing: "back up into a new or empty directory; nothing was written")
        do {
            try log.environment.copy(to: staging.path, compacting: true)
            try key?.write(to: SigningKey.path(inStore: staging.path))
            let summary = try check(staging.path, key: key, named: "the backup of \(store)", leftOut: leftOut(in: store))
            try staging.complete()
            return summary
        } catch {
            staging.discard()
            throw error
        }
    }

    /// Checks the backup in directory `backup` and puts a copy of it in place as the store
    /// `store`, which must not exist or be an empty directory. The copy is checked, not the
    /// backup: it opens, its chain and Merkle root verify up to its head, and every
    /// checkpoint it keeps is signed by its key and matches its log.
    ///
    /// - Throws: `BackupError` naming what is wrong; nothing is restored then.
    public static func restore(from backup: String, to store: String) throws -> BackupSummary {
        let data = backup + "/" + dataFile
        guard FileManager.default.fileExists(atPath: data) else {
            throw BackupError("\(backup) holds no \(dataFile): it is not a backup of an Attest store; nothing was restored")
        }
        let keyPath = SigningKey.path(inStore: backup)
        let key: SigningKey?
        do {
            key = FileManager.default.fileExists(atPath: keyPath) ? try SigningKey(contentsOf: keyPath) : nil
        } catch {
            throw BackupError("\(error); nothing was restored")
        }
        let staging = try Staging(
            for: store, refusing: "restore into a new directory, or move the store aside first (mv \(store) \(store).old); nothing was restored")
        do {
            try copyFile(data, to: staging.path + "/" + dataFile)
            try key?.write(to: SigningKey.path(inStore: staging.path))
            let summary = try check(staging.path, key: key, named: backup, requireKey: true, leftOut: [])
            try staging.complete()
            return summary
        } catch let error as BackupError {
            staging.discard()
            throw BackupError("\(error); nothing was restored")
        } catch {
            staging.discard()
            throw error
        }
    }

    /// Opens the store staged in `path` and checks it; `name` is what messages call it.
    /// Removes the lock file that opening it made, so that only the store's own files remain.
    private static func check(
        _ path: String, key: SigningKey?, named name: String, requireKey: Bool = false, leftOut: [String]
    ) throws -> BackupSummary {
        defer { try? FileManager.default.removeItem(atPath: path + "/" + lockFile) }
        let head: Head
        let checkpoints: Int
        do {
            let log = try EventLog(openingAt: path)
            _ = try log.verify()
            head = try log.head()
            let kept = try CheckpointLog(log: log)
            if let key {
                checkpoints = try kept.verify(with: key.verifierKey)
            } else {
                checkpoints = try kept.all().count
                if requireKey, checkpoints > 0 {
                    throw BackupError(
                        "\(name) keeps \(checkpoints) signed checkpoint(s) but holds no \(SigningKey.fileName), the key that signed them: copy the centre's key to \(SigningKey.path(inStore: name)) (mode 0600) and restore again")
                }
            }
        } catch let failure as VerificationFailure {
            throw BackupError("the log of \(name) does not verify: sequence \(failure.sequence): \(failure.reason)")
        } catch let error as CheckpointError {
            throw BackupError("the checkpoints of \(name) do not match its key and log: \(error)")
        } catch EventLogError.notAStore {
            throw BackupError("\(name)/\(dataFile) is not the log of an Attest store")
        } catch let error as EventLogError {
            throw BackupError("\(name): \(error)")
        } catch let error as LMDBError {
            throw BackupError("\(name)/\(dataFile) cannot be read as an LMDB environment: \(error.message)")
        } catch let damage as StoreDamage {
            throw BackupError("\(name)/\(dataFile) cannot be read as an LMDB environment: \(damage.problem)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0 != lockFile }.sorted().map { name in
            let attributes = try FileManager.default.attributesOfItem(atPath: path + "/" + name)
            return BackupFile(name: name, bytes: (attributes[.size] as? NSNumber)?.uint64Value ?? 0)
        }
        return BackupSummary(head: head, checkpoints: checkpoints, centre: key?.name, files: files, leftOut: leftOut)
    }

    /// The entries of the store directory `store` that are not the store's own files.
    private static func leftOut(in store: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: store)
            .filter { ![dataFile, lockFile, SigningKey.fileName].contains($0) }.sorted()
    }

    /// Copies the file `source` to the new file `destination` (0600) and flushes it to disk.
    private static func copyFile(_ source: String, to destination: String) throws {
        let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: source))
        let fd = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BackupError("cannot create \(destination): \(String(cString: strerror(errno)))") }
        let output = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
            try output.write(contentsOf: chunk)
        }
        try output.synchronize()
    }
}

/// A directory only its owner may open (0700), created beside `destination` and renamed to
/// it once complete, so that nothing half-written ever bears the destination's name.
private struct Staging {
    let path: String
    let destination: String

    /// Refuses a `destination` that exists and is not an empty directory, saying `advice`.
    init(for destination: String, refusing advice: String) throws {
        let url = URL(fileURLWithPath: destination).standardizedFileURL
        self.destination = url.path
        if FileManager.default.fileExists(atPath: url.path),
           !((try? FileManager.default.contentsOfDirectory(atPath: url.path))?.isEmpty ?? false) {
            throw BackupError("\(destination) exists and is not an empty directory: \(advice)")
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var template = Array((url.path + ".partial-XXXXXX").utf8CString)
        guard mkdtemp(&template) != nil else {
            throw BackupError("cannot create a directory beside \(destination): \(String(cString: strerror(errno)))")
        }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Flushes the directory, renames it to the destination and flushes the parent.
    func complete() throws {
        try Self.sync(path)
        guard rename(path, destination) == 0 else {
            let reason = errno == ENOTEMPTY || errno == EEXIST ? "it exists and is not empty" : String(cString: strerror(errno))
            throw BackupError("cannot put the copy in place at \(destination): \(reason)")
        }
        try Self.sync(URL(fileURLWithPath: destination).deletingLastPathComponent().path)
    }

    func discard() { try? FileManager.default.removeItem(atPath: path) }

    private static func sync(_ directory: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw BackupError("cannot open \(directory): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw BackupError("cannot flush \(directory): \(String(cString: strerror(errno)))") }
    }
}
