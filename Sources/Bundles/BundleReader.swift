import Checkpoints
import EventLog
import Foundation
import Merkle

/// An export bundle opened for reading: its manifest, checkpoint and key are read at once;
/// records, proofs and report digests are streamed.
///
/// A bundle is what a centre hands over, so nothing in it is trusted: only plain files in
/// the bundle's own directory are opened (never a symbolic link, FIFO or device), each
/// file's size is checked before it is read, and memory stays bounded whatever the files
/// hold (`BundleLimits`).
public struct BundleReader: Sendable {
    public let directory: String
    public let manifest: BundleManifest
    public let checkpoint: SignedCheckpoint
    /// The centre's key as the bundle carries it (an EQA should also check against their own copy).
    public let key: VerifierKey
    /// The centre's time zone, as the manifest names it.
    public let timeZone: TimeZone

    /// Whether `path` looks like a bundle: it holds an entry named `bundle.json`, of any kind.
    public static func isBundle(_ path: String) -> Bool { holds(BundleFile.manifest, in: path) }

    /// Opens the bundle in directory `path`.
    /// - Throws: `BundleError` naming the file that is missing, not a plain file, too large or malformed.
    public init(at path: String) throws {
        directory = path
        let manifestText = try BundleFiles.text(BundleFile.manifest, in: path, limit: BundleLimits.manifestBytes)
        do {
            manifest = try JSONDecoder().decode(BundleManifest.self, from: Data(manifestText.utf8))
        } catch {
            throw BundleError(file: BundleFile.manifest, "it is not a bundle manifest: \(error)")
        }
        guard manifest.format == BundleManifest.currentFormat else {
            throw BundleError(file: BundleFile.manifest,
                              "the bundle's format is \(manifest.format); this tool reads \(BundleManifest.currentFormat)")
        }
        guard (manifest.kind == .learner) == (manifest.learner != nil) else {
            throw BundleError(file: BundleFile.manifest, "a learner bundle names its learner, and only a learner bundle does")
        }
        let identifier = manifest.timeZone ?? EventLog.defaultTimeZone.identifier
        guard let zone = TimeZone(identifier: identifier) else {
            throw BundleError(file: BundleFile.manifest, "the bundle's time zone \(identifier) is not one this system knows")
        }
        timeZone = zone
        do {
            checkpoint = try SignedCheckpoint(
                parsing: BundleFiles.text(BundleFile.checkpoint, in: path, limit: BundleLimits.checkpointBytes))
        } catch let error as CheckpointError {
            throw BundleError(file: BundleFile.checkpoint, "it is not a signed checkpoint: \(error)")
        }
        do {
            key = try VerifierKey(text: BundleFiles.text(BundleFile.key, in: path, limit: BundleLimits.keyBytes))
        } catch let error as CheckpointError {
            throw BundleError(file: BundleFile.key, "it is not a verifier key: \(error)")
        }
    }

    /// Whether the bundle holds an entry named `name`, of any kind.
    public func holds(_ name: String) -> Bool { Self.holds(name, in: directory) }

    private static func holds(_ name: String, in directory: String) -> Bool {
        var info = stat()
        return lstat(directory + "/" + name, &info) == 0
    }

    /// A reader of the `records` file.
    public func records() throws -> RecordFile { try RecordFile(BundleFiles.open(BundleFile.records, in: directory)) }

    /// A reader of the `reports` file of a whole-store bundle: its digests, in file order.
    public func reportDigests() throws -> LineFile<ReportDigest> {
        try LineFile(BundleFiles.open(BundleFile.reports, in: directory), limit: BundleLimits.reportLineBytes) { try ReportDigest(line: $0) }
    }

    /// The `disclosed` file, `nil` when the bundle has none. - Throws: `BundleError`.
    public func disclosure() throws -> BundleDisclosure? {
        guard holds(BundleFile.disclosed) else { return nil }
        return try BundleDisclosure(text: BundleFiles.text(BundleFile.disclosed, in: directory, limit: BundleLimits.disclosedBytes))
    }

    /// A reader of the `proofs` file of a one-learner bundle: for each record, its sequence and inclusion proof.
    public func inclusionProofs() throws -> LineFile<ProofLine> {
        try proofs(BundleFile.proofs, names: ["sequence"])
    }

    /// A reader of the `consistency` file of a one-learner bundle: for each earlier
    /// checkpoint the centre keeps, its size and the consistency proof to this bundle's.
    public func consistencyProofs() throws -> LineFile<ProofLine> {
        try proofs(BundleFile.consistency, names: ["size"])
    }

    /// The `completeness` line of a one-learner bundle: the learner's index in the map of
    /// learners, latest record, number of records, and the inclusion proof of that entry.
    public func completeness() throws -> ProofLine {
        let lines = try proofs(BundleFile.completeness, names: ["index", "latest record", "number of records"])
        guard let line = try lines.next() else { throw BundleError(file: BundleFile.completeness, "it is empty") }
        guard try lines.next() == nil else { throw BundleError(file: BundleFile.completeness, "it holds more than one line") }
        return line
    }

    private func proofs(_ name: String, names: [String]) throws -> LineFile<ProofLine> {
        try LineFile(BundleFiles.open(name, in: directory), limit: BundleLimits.proofLineBytes) { try ProofLine(line: $0, names: names) }
    }
}

/// How large a bundle's files and their parts may be: the largest the code writes, with room.
public enum BundleLimits {
    /// `bundle.json`.
    public static let manifestBytes = 64 << 10
    /// `checkpoint`: a signed note with its signature lines (the centre's and any cosignatures).
    public static let checkpointBytes = 64 << 10
    /// `key`: one verifier key.
    public static let keyBytes = 4 << 10
    /// One record in `records` (an event line is at most 1 MiB of JSON, and binary is smaller).
    public static let recordBytes = 4 << 20
    /// One line of `reports`.
    public static let reportLineBytes = 4 << 10
    /// One line of `proofs`, `consistency` or `completeness`: up to three numbers and 64
    /// hashes (a tree of up to 2^64 leaves).
    public static let proofLineBytes = 3 * 21 + 64 * 65
    /// `disclosed`: a line of about 150 bytes per learner disclosed, for up to 100,000 learners.
    public static let disclosedBytes = 16 << 20
}

/// One line of a bundle's `proofs`, `consistency` or `completeness` file: decimal numbers,
/// then a Merkle proof, separated by single spaces.
public struct ProofLine: Equatable, Sendable {
    /// The numbers the line starts with: a record's sequence (`proofs`); the size of an
    /// earlier checkpoint (`consistency`); the learner's index in the map, latest record
    /// and number of records (`completeness`).
    public let numbers: [UInt64]
    /// The proof's hashes, at most 64, each written in lowercase hexadecimal.
    public let path: [Hash]

    public init(numbers: [UInt64], path: [Hash]) {
        self.numbers = numbers
        self.path = path
    }

    /// The line, without its newline: the numbers, then the hashes in lowercase hexadecimal.
    public var line: String { (numbers.map(String.init) + path.map(\.hex)).joined(separator: " ") }

    /// Reads a line that starts with decimal numbers (without leading zeros), one for each of `names`.
    public init(line: Substring, names: [String]) throws {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        let count = names.count
        guard fields.count >= count else {
            throw BundleError("a line of this file starts with \(names.joined(separator: ", ")); found \(String(line.prefix(60)).debugDescription)")
        }
        numbers = try zip(names, fields).map { name, field in
            guard let number = UInt64(field), String(number) == field else {
                throw BundleError("the \(name) \(String(field.prefix(30)).debugDescription) is not a decimal number")
            }
            return number
        }
        guard fields.count <= count + 64 else { throw BundleError("the proof has \(fields.count - count) hashes; a proof has at most 64") }
        path = try fields.dropFirst(count).map { field in
            guard !field.utf8.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0) }), let hash = Hash(hex: field) else {
                throw BundleError("\(String(field.prefix(70)).debugDescription) is not a hash in lowercase hexadecimal")
            }
            return hash
        }
    }
}

/// Opening a bundle's files safely.
enum BundleFiles {
    /// Opens file `name` in `directory`: a plain file in the directory itself, refused when it
    /// is a symbolic link, FIFO, device or directory (without blocking on a FIFO).
    static func open(_ name: String, in directory: String) throws -> StreamedFile {
        let path = directory + "/" + name
        let fd = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            switch errno {
            case ENOENT: throw BundleError(file: name, "the bundle has no such file")
            case ELOOP: throw BundleError(file: name, "it is a symbolic link; a bundle holds plain files only")
            default: throw BundleError(unreadable: name, String(cString: strerror(errno)))
            }
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw BundleError(unreadable: name, reason)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw BundleError(file: name, "it is not a plain file (a FIFO, device or directory); a bundle holds plain files only")
        }
        return StreamedFile(name: name, handle: FileHandle(fileDescriptor: fd, closeOnDealloc: true), size: Int(info.st_size))
    }

    /// The whole of the small file `name`, as UTF-8 text of at most `limit` bytes.
    static func text(_ name: String, in directory: String, limit: Int) throws -> String {
        let file = try open(name, in: directory)
        guard file.size <= limit else {
            throw BundleError(file: name, "it holds \(file.size) bytes; a \(name) file holds at most \(limit)")
        }
        let bytes = try file.readAll(limit: limit)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw BundleError(file: name, "it is not UTF-8 text") }
        return text
    }
}

/// A file read in chunks, a bounded stretch of it buffered at a time.
final class StreamedFile {
    let name: String
    let size: Int
    private let handle: FileHandle
    private(set) var buffer: [UInt8] = []
    /// Where the unread bytes of `buffer` start.
    var offset = 0
    private var atEnd = false

    init(name: String, handle: FileHandle, size: Int) {
        self.name = name
        self.handle = handle
        self.size = size
    }

    deinit { try? handle.close() }

    /// The unread bytes in the buffer.
    var unread: Int { buffer.count - offset }

    /// Makes at least `needed` unread bytes available, or as many as remain. - Returns: false when the file ends first.
    func fill(_ needed: Int) throws -> Bool {
        while unread < needed {
            if atEnd { return false }
            if offset > 0 {
                buffer.removeFirst(offset)
                offset = 0
            }
            let chunk: Data?
            do { chunk = try handle.read(upToCount: max(1 << 16, needed - unread)) } catch {
                throw BundleError(unreadable: name, "\(error)")
            }
            if let chunk, !chunk.isEmpty { buffer.append(contentsOf: chunk) } else { atEnd = true }
        }
        return true
    }

    /// Every byte of the file, refused past `limit` (the file may have grown since it was opened).
    func readAll(limit: Int) throws -> [UInt8] {
        if try fill(limit + 1) { throw BundleError(file: name, "it holds more than \(limit) bytes") }
        defer { offset = buffer.count }
        return Array(buffer[offset...])
    }
}

/// The `records` file, read one record at a time in bounded memory.
public final class RecordFile {
    private let file: StreamedFile
    /// The number of records read so far.
    public private(set) var count: UInt64 = 0

    init(_ file: StreamedFile) { self.file = file }

    /// The next record's bytes, or `nil` at the end of the file.
    /// - Throws: `BundleError` when the file ends inside a record, or a record is longer than `BundleLimits.recordBytes`.
    public func next() throws -> [UInt8]? {
        guard try file.fill(4) else {
            guard file.unread == 0 else {
                throw BundleError(file: file.name, "it ends inside the length of record \(count + 1) (\(file.unread) of its 4 bytes are there)")
            }
            return nil
        }
        let length = file.buffer[file.offset..<file.offset + 4].reduce(0) { $0 << 8 | Int($1) }
        guard length <= BundleLimits.recordBytes else {
            throw BundleError(file: file.name, "record \(count + 1) says it has \(length) bytes; a record has at most \(BundleLimits.recordBytes)")
        }
        guard try file.fill(4 + length) else {
            throw BundleError(file: file.name, "it ends inside record \(count + 1) (\(file.unread - 4) of its \(length) bytes are there)")
        }
        let record = Array(file.buffer[file.offset + 4..<file.offset + 4 + length])
        file.offset += 4 + length
        count += 1
        return record
    }
}

/// A text file of lines, each ending in a newline, read and parsed one line at a time in
/// bounded memory.
public final class LineFile<Line> {
    private let file: StreamedFile
    private let limit: Int
    private let parse: (Substring) throws -> Line
    /// The number of lines read so far.
    public private(set) var number = 0

    init(_ file: StreamedFile, limit: Int, parse: @escaping (Substring) throws -> Line) {
        self.file = file
        self.limit = limit
        self.parse = parse
    }

    /// The next line, parsed, or `nil` at the end of the file.
    /// - Throws: `BundleError` naming the file and line when a line is empty, too long, not
    ///   UTF-8, does not end in a newline, or does not parse.
    public func next() throws -> Line? {
        var searched = 0
        while true {
            let start = file.offset + searched
            if let newline = file.buffer[start...].firstIndex(of: 0x0A) {
                number += 1
                let bytes = file.buffer[file.offset..<newline]
                file.offset = newline + 1
                guard bytes.count <= limit else { throw tooLong }
                guard !bytes.isEmpty else { throw BundleError(file: file.name, "line \(number) is empty") }
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw BundleError(file: file.name, "line \(number) is not UTF-8 text")
                }
                do { return try parse(text[...]) } catch let error as BundleError {
                    throw BundleError(file: file.name, "line \(number): \(error.description)")
                }
            }
            searched = file.unread
            guard searched <= limit else {
                number += 1
                throw tooLong
            }
            guard try file.fill(searched + 1) else {
                guard file.unread == 0 else { throw BundleError(file: file.name, "its last line, \(number + 1), does not end in a newline") }
                return nil
            }
        }
    }

    private var tooLong: BundleError { BundleError(file: file.name, "line \(number) is longer than \(limit) bytes") }
}
