import Assessment
import Centre
import Checkpoints
import EventLog
import Foundation
import Merkle
import Projections

/// What an export wrote.
public struct ExportSummary: Sendable {
    public let manifest: BundleManifest
    public let checkpoint: SignedCheckpoint
}

extension CentreStore {
    /// Writes a bundle of the whole log into the new directory `directory`: every record as
    /// stored, the latest signed checkpoint, `key`, and a digest of every stored report entry.
    ///
    /// The checkpoint and the reports are read in one snapshot, whose log the checkpoint
    /// covers; the records are read afterwards in short read transactions
    /// (`EventLog.readStored(from:through:)`) up to the checkpoint's size, so that a long
    /// export does not make a store in use grow. `access` says who may read the files.
    ///
    /// With `disclosure`, the bundle also holds those learners' data keys sealed to the
    /// EQA (`BundleDisclosure`); without it, no key at all.
    ///
    /// - Throws: `BundleError` when the latest checkpoint does not cover the whole log (take
    ///   one first), or a learner to disclose has no key; nothing is written then.
    public func exportBundle(
        to directory: String, key: VerifierKey, reports: [any Projection] = CentreStore.reports, access: BundleAccess = .owner,
        disclosing disclosure: Disclosure? = nil
    ) throws -> ExportSummary {
        let checkpoints = try CheckpointLog(log: log)
        let (checkpoint, disclosed, writer) = try read { txn, snapshot in
            let checkpoint = try Self.checkpointCovering(log.head(in: txn), checkpoints.latest(in: txn))
            let disclosed = try disclosure.map { try BundleDisclosure($0, store: log.environment.path, root: checkpoint.checkpoint.root.bytes) }
            // Nothing is written until nothing can be refused; then each report entry's
            // digest is written as the entry is read, in the checkpoint's snapshot.
            let writer = try BundleWriter(directory: directory, access: access)
            let digests = try writer.buffered(BundleFile.reports)
            for projection in reports {
                try snapshot.walkReport(of: projection.name) { next in
                    while let entry = try next() {
                        try digests.write((ReportDigest(projection: projection.name, key: entry.key, value: entry.value).line + "\n").utf8)
                    }
                }
            }
            try digests.close()
            return (checkpoint, disclosed, writer)
        }
        var records: UInt64 = 0
        try log.readStored(through: checkpoint.checkpoint.size) { bytes, _ in
            try writer.record(bytes)
            records += 1
            return true
        }
        try writer.finishRecords()
        if let disclosed { try writer.file(BundleFile.disclosed, disclosed.text) }
        let manifest = BundleManifest(
            kind: .store, records: records, treeSize: checkpoint.checkpoint.size, timeZone: timeZone.identifier)
        try writer.finish(manifest: manifest, checkpoint: checkpoint, key: key)
        return ExportSummary(manifest: manifest, checkpoint: checkpoint)
    }

    /// Writes a bundle of learner `learner`'s records into the new directory `directory`,
    /// each with its RFC 9162 inclusion proof against the latest signed checkpoint, which
    /// must cover the whole log; with the proof of the learner's entry in the checkpoint's
    /// map of learners (when it has one), which shows the bundle holds all their records;
    /// and with a consistency proof from each earlier checkpoint the centre keeps. Holds
    /// every chain hash in memory (32 bytes a record). The records are read in short read
    /// transactions up to the checkpoint's size. `access` says who may read the files. With
    /// `disclosure` (of this learner only), the bundle also holds their data key sealed to the EQA.
    public func exportBundle(
        to directory: String, learner: String, key: VerifierKey, access: BundleAccess = .owner, disclosing disclosure: Disclosure? = nil
    ) throws -> ExportSummary {
        if let other = disclosure?.learners.first(where: { $0 != learner }) {
            throw BundleError("a bundle of learner \(learner)'s records can disclose their key only, not learner \(other)'s")
        }
        let checkpoints = try CheckpointLog(log: log)
        let (checkpoint, earlier, entries) = try read { txn, _ in
            let checkpoint = try Self.checkpointCovering(log.head(in: txn), checkpoints.latest(in: txn))
            var entries: [(learner: String, entry: LearnerEntry)] = []
            if checkpoint.checkpoint.learners != nil { try log.learnerEntries(in: txn) { entries.append(($0, $1)) } }
            return (checkpoint, try checkpoints.all(in: txn).map(\.checkpoint.size), entries)
        }
        var leaves: [Hash] = []
        leaves.reserveCapacity(Int(checkpoint.checkpoint.size))
        var chosen: [(sequence: UInt64, bytes: [UInt8])] = []
        var attribution = LearnerAttribution()
        try log.readStored(through: checkpoint.checkpoint.size) { bytes, _ in
            leaves.append(ChainHash.of(bytes))
            let record = try Record(serializedBytes: Array(bytes))
            if try attribution.learner(of: DomainEvent(record: record)) == learner {
                chosen.append((record.sequence, Array(bytes)))
            }
            return true
        }
        guard !chosen.isEmpty else { throw BundleError("the log holds no events of learner \(learner)") }
        let disclosed = try disclosure.map { try BundleDisclosure($0, store: log.environment.path, root: checkpoint.checkpoint.root.bytes) }
        let writer = try BundleWriter(directory: directory, access: access)
        let size = UInt64(leaves.count)
        var proofs = ""
        for (sequence, bytes) in chosen {
            try bytes.withUnsafeBytes { try writer.record($0) }
            let path = try Proof.inclusion(leafIndex: sequence - 1, treeSize: size) { leaves[Int($0)] }
            proofs += ProofLine(numbers: [sequence], path: path).line + "\n"
        }
        try writer.finishRecords()
        try writer.file(BundleFile.proofs, proofs)
        if let index = entries.firstIndex(where: { $0.learner == learner }) {
            let entry = entries[index].entry
            let path = try Proof.inclusion(leafIndex: UInt64(index), treeSize: UInt64(entries.count)) {
                entries[Int($0)].entry.leafHash(learner: entries[Int($0)].learner)
            }
            try writer.file(BundleFile.completeness, ProofLine(numbers: [UInt64(index), entry.latest, entry.records], path: path).line + "\n")
        }
        var consistency = ""
        for old in Set(earlier).sorted() where old > 0 && old < size {
            consistency += ProofLine(numbers: [old], path: try Proof.consistency(from: old, to: size) { leaves[Int($0)] }).line + "\n"
        }
        try writer.file(BundleFile.consistency, consistency)
        if let disclosed { try writer.file(BundleFile.disclosed, disclosed.text) }
        let manifest = BundleManifest(
            kind: .learner, learner: learner, records: UInt64(chosen.count), treeSize: checkpoint.checkpoint.size,
            timeZone: timeZone.identifier)
        try writer.finish(manifest: manifest, checkpoint: checkpoint, key: key)
        return ExportSummary(manifest: manifest, checkpoint: checkpoint)
    }

    private static func checkpointCovering(_ head: Head, _ latest: SignedCheckpoint?) throws -> SignedCheckpoint {
        guard let latest else {
            throw BundleError("the store holds no signed checkpoint: sign one first")
        }
        guard latest.checkpoint.size == head.sequence else {
            throw BundleError(
                "the latest checkpoint covers \(latest.checkpoint.size) of the log's \(head.sequence) records: sign a new one first")
        }
        return latest
    }
}

/// Who may read a bundle once it is written.
public enum BundleAccess: Sendable {
    /// Its owner only: files 0600, and a directory the export creates 0700.
    case owner
    /// Every user of the machine: files 0644, and a directory the export creates 0755.
    case shared

    var fileMode: mode_t { self == .owner ? 0o600 : 0o644 }
    var directoryMode: mode_t { self == .owner ? 0o700 : 0o755 }
}

/// Writes a bundle's files into a new directory.
final class BundleWriter {
    let directory: URL
    private let access: BundleAccess
    private let records: BufferedFile

    init(directory path: String, access: BundleAccess) throws {
        directory = URL(fileURLWithPath: path)
        self.access = access
        if FileManager.default.fileExists(atPath: path) {
            guard (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty ?? false else {
                throw BundleError("\(path) exists and is not an empty directory: export into a new one")
            }
        } else {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            // Exactly the mode asked for, whatever the umask; parents keep theirs.
            guard chmod(path, access.directoryMode) == 0 else { throw Self.failure("cannot set the mode of", path) }
        }
        records = BufferedFile(try Self.create(directory.appendingPathComponent(BundleFile.records).path, mode: access.fileMode))
    }

    /// The new file `name`, to be written in parts and closed.
    func buffered(_ name: String) throws -> BufferedFile {
        BufferedFile(try Self.create(directory.appendingPathComponent(name).path, mode: access.fileMode))
    }

    /// A new file `path` with exactly `mode`, whatever the umask.
    private static func create(_ path: String, mode: mode_t) throws -> FileHandle {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure("cannot create", path) }
        guard fchmod(fd, mode) == 0 else {
            close(fd)
            throw failure("cannot set the mode of", path)
        }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    private static func failure(_ what: String, _ path: String) -> BundleError {
        BundleError("\(what) \(path): \(String(cString: strerror(errno)))")
    }

    /// Appends one record as BE32 length ‖ bytes.
    func record(_ bytes: UnsafeRawBufferPointer) throws {
        try records.write(withUnsafeBytes(of: UInt32(bytes.count).bigEndian, Array.init))
        try records.write(bytes)
    }

    func finishRecords() throws { try records.close() }

    func file(_ name: String, _ text: String) throws {
        try file(name, Data(text.utf8))
    }

    private func file(_ name: String, _ bytes: Data) throws {
        let handle = try Self.create(directory.appendingPathComponent(name).path, mode: access.fileMode)
        try handle.write(contentsOf: bytes)
        try handle.close()
    }

    func finish(manifest: BundleManifest, checkpoint: SignedCheckpoint, key: VerifierKey) throws {
        try file(BundleFile.checkpoint, checkpoint.encoded)
        try file(BundleFile.key, key.description + "\n")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try file(BundleFile.manifest, encoder.encode(manifest) + [0x0A])
    }
}

/// A file written in parts, a megabyte at a time.
final class BufferedFile {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(_ handle: FileHandle) { self.handle = handle }

    func write(_ bytes: some Sequence<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes what is left, and closes the file.
    func close() throws {
        try flush()
        try handle.close()
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
