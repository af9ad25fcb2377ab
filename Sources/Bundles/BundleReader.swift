import Checkpoints
import EventLog
import Foundation
import Merkle

/// An export bundle opened for reading: its manifest, checkpoint and key are read at once;
/// records, proofs and report digests are streamed.
public struct BundleReader: Sendable {
    public let directory: String
    public let manifest: BundleManifest
    public let checkpoint: SignedCheckpoint
    /// The centre's key as the bundle carries it (an EQA should also check against their own copy).
    public let key: VerifierKey
    /// The centre's time zone, as the manifest names it.
    public let timeZone: TimeZone

    /// Whether `path` looks like a bundle (it holds a manifest).
    public static func isBundle(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path + "/" + BundleFile.manifest)
    }

    /// Opens the bundle in directory `path`.
    /// - Throws: `BundleError` naming the missing or malformed file.
    public init(at path: String) throws {
        directory = path
        func text(_ name: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: path + "/" + name) else {
                throw BundleError("the bundle has no readable \(name) file")
            }
            return String(decoding: data, as: UTF8.self)
        }
        do {
            manifest = try JSONDecoder().decode(BundleManifest.self, from: Data(text(BundleFile.manifest).utf8))
        } catch let error as BundleError {
            throw error
        } catch {
            throw BundleError("\(BundleFile.manifest) is not a bundle manifest: \(error)")
        }
        guard manifest.format == BundleManifest.currentFormat else {
            throw BundleError("the bundle's format is \(manifest.format); this tool reads \(BundleManifest.currentFormat)")
        }
        let identifier = manifest.timeZone ?? EventLog.defaultTimeZone.identifier
        guard let zone = TimeZone(identifier: identifier) else {
            throw BundleError("the bundle's time zone \(identifier) is not one this system knows")
        }
        timeZone = zone
        do {
            checkpoint = try SignedCheckpoint(parsing: text(BundleFile.checkpoint))
            key = try VerifierKey(text: text(BundleFile.key))
        } catch let error as CheckpointError {
            throw BundleError("the bundle's checkpoint or key is malformed: \(error)")
        }
    }

    /// A reader of the `records` file.
    public func records() throws -> RecordFile { try RecordFile(path: directory + "/" + BundleFile.records) }

    /// Calls `body` with each line of file `name`, in order; `body` returns false to stop.
    public func lines(of name: String, _ body: (Substring) throws -> Bool) throws {
        guard let data = FileManager.default.contents(atPath: directory + "/" + name) else {
            throw BundleError("the bundle has no readable \(name) file")
        }
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(separator: "\n") where !line.isEmpty {
            guard try body(line) else { return }
        }
    }

    /// The report digests of a whole-store bundle, in file order.
    public func reportDigests() throws -> [ReportDigest] {
        var digests: [ReportDigest] = []
        try lines(of: BundleFile.reports) { digests.append(try ReportDigest(line: $0)); return true }
        return digests
    }

    /// The inclusion proofs of a one-learner bundle: for each record, its sequence and audit path.
    public func inclusionProofs() throws -> [(sequence: UInt64, path: [Hash])] {
        var proofs: [(UInt64, [Hash])] = []
        try lines(of: BundleFile.proofs) { line in
            let fields = line.split(separator: " ")
            guard let sequence = fields.first.flatMap({ UInt64($0) }) else {
                throw BundleError("a proofs line starts with the record's sequence; found \(String(line.prefix(40)).debugDescription)")
            }
            let path = try fields.dropFirst().map { field in
                guard let hash = Hash(hex: field) else { throw BundleError("\(field) in the proof of record \(sequence) is not a hash") }
                return hash
            }
            proofs.append((sequence, path))
            return true
        }
        return proofs
    }
}

/// The `records` file, read one record at a time in constant memory.
public final class RecordFile {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var offset = 0
    private var atEnd = false
    /// The number of records read so far.
    public private(set) var count: UInt64 = 0

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw BundleError("the bundle has no readable \(BundleFile.records) file")
        }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// The next record's bytes, or `nil` at the end of the file.
    /// - Throws: `BundleError` when the file ends inside a record.
    public func next() throws -> [UInt8]? {
        guard try fill(4) else {
            guard offset == buffer.count else { throw BundleError("the records file ends inside the length of record \(count + 1)") }
            return nil
        }
        let length = buffer[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        guard try fill(4 + length) else {
            throw BundleError("the records file ends inside record \(count + 1) (it should have \(length) bytes)")
        }
        let record = Array(buffer[offset + 4..<offset + 4 + length])
        offset += 4 + length
        count += 1
        return record
    }

    /// Makes `needed` unread bytes available; false when the file ends first.
    private func fill(_ needed: Int) throws -> Bool {
        while buffer.count - offset < needed {
            if atEnd { return false }
            if offset > 0 {
                buffer.removeFirst(offset)
                offset = 0
            }
            let chunk = try handle.read(upToCount: max(1 << 20, needed)) ?? Data()
            if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
        }
        return true
    }
}
