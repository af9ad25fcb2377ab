import EventLog
import Foundation
import Merkle

/// A checkpoint of a centre's log (C2SP tlog-checkpoint): the origin (the centre's identity),
/// the number of records, the Merkle root, then extension lines: the time it was taken,
/// and the map of every learner's latest record (`LearnerMap`).
///
/// ```
/// centre.example
/// 12435
/// AhBZ7mOKz8c3Qy1uWkSgQj0fPjvFJd3m1xOqL2b0wJo=
/// time 2026-11-23T11:20:00.000000Z
/// learners 1 208 q4dzd0H6N1BkYPZsW0nDz8cA4wS2vQqk0yH1i0Bz9bE=
/// ```
public struct Checkpoint: Equatable, Sendable {
    public let origin: String
    public let size: UInt64
    public let root: Hash
    /// The extension lines, in order, each without its newline (signed with the rest).
    public let extensions: [String]
    /// When the centre took the checkpoint, to the microsecond: its `time` extension line.
    public let time: Date?
    /// The map of every learner's latest record: its `learners` extension line, absent in
    /// checkpoints of stores that did not link records to learners yet.
    public let learners: LearnerMap?

    public init(origin: String, size: UInt64, root: Hash, time: Date, learners: LearnerMap? = nil) {
        let time = Date(microsecondsSinceEpoch: time.microsecondsSinceEpoch)
        let lines = ["time " + Timestamp.format(time)] + (learners.map { [$0.line] } ?? [])
        self.init(origin: origin, size: size, root: root, extensions: lines, time: time, learners: learners)
    }

    private init(origin: String, size: UInt64, root: Hash, extensions: [String], time: Date?, learners: LearnerMap?) {
        self.origin = origin
        self.size = size
        self.root = root
        self.extensions = extensions
        self.time = time
        self.learners = learners
    }

    /// The note text: the origin, size and root, then the extension lines, each ending in a newline.
    public var text: String {
        ([origin, String(size), Data(root.bytes).base64EncodedString()] + extensions).map { $0 + "\n" }.joined()
    }

    /// Reads a checkpoint's note text: three lines, then any extension lines (kept as they
    /// are; a `time` line, at most one, must hold an RFC 3339 time, and a `learners` line,
    /// at most one, a `LearnerMap`).
    public init(text: String) throws {
        guard text.hasSuffix("\n") else { throw CheckpointError("a checkpoint's text ends in a newline") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        guard lines.count >= 3 else {
            throw CheckpointError("a checkpoint has an origin, a size and a root hash, each on a line")
        }
        guard !lines[0].isEmpty else { throw CheckpointError("the checkpoint's origin line is empty") }
        guard let size = UInt64(lines[1]), String(size) == lines[1] else {
            throw CheckpointError("the checkpoint's size \(lines[1].debugDescription) is not a decimal number")
        }
        guard let bytes = Data(base64Encoded: lines[2]), let root = Hash(bytes: bytes) else {
            throw CheckpointError("the checkpoint's root \(lines[2].debugDescription) is not base64 of 32 bytes")
        }
        let extensions = Array(lines.dropFirst(3))
        if let empty = extensions.firstIndex(of: "") {
            throw CheckpointError("the checkpoint's line \(empty + 4) is empty")
        }
        let times = extensions.filter { $0.hasPrefix("time ") }
        guard times.count <= 1 else { throw CheckpointError("the checkpoint has \(times.count) time lines") }
        var time: Date?
        if let line = times.first {
            guard let parsed = Timestamp.parse(String(line.dropFirst(5))) else {
                throw CheckpointError("the checkpoint's time line \(line.debugDescription) is not 'time RFC3339'")
            }
            guard Self.times.contains(parsed) else {
                throw CheckpointError("the checkpoint's time \(line.dropFirst(5)) is not in the years 0000 to 9999 in UTC")
            }
            time = parsed
        }
        let maps = extensions.filter { $0.hasPrefix("learners ") }
        guard maps.count <= 1 else { throw CheckpointError("the checkpoint has \(maps.count) learners lines") }
        var learners: LearnerMap?
        if let line = maps.first {
            guard let map = LearnerMap(line: line), map.from <= size + 1 else {
                throw CheckpointError("the checkpoint's learners line \(line.debugDescription) is not 'learners FROM COUNT ROOT' (FROM at most the size + 1, ROOT base64 of 32 bytes)")
            }
            learners = map
        }
        self.init(origin: lines[0], size: size, root: root, extensions: extensions, time: time, learners: learners)
    }

    /// The times a checkpoint's text can carry: those `Timestamp.format` writes, in the UTC
    /// years 0000 to 9999 (an offset can take an RFC 3339 time just outside them).
    private static let times = Timestamp.parse("0000-01-01T00:00:00Z")!...Timestamp.parse("9999-12-31T23:59:59.999999Z")!
}

/// A checkpoint with the note that signs it.
public struct SignedCheckpoint: Equatable, Sendable {
    public let checkpoint: Checkpoint
    public let note: SignedNote

    /// Signs `checkpoint` with `key`, whose name must be the checkpoint's origin.
    public init(signing checkpoint: Checkpoint, with key: SigningKey) throws {
        guard checkpoint.origin == key.name else {
            throw CheckpointError("the checkpoint's origin \(checkpoint.origin) is not the key's name \(key.name)")
        }
        self.checkpoint = checkpoint
        self.note = try SignedNote(signing: checkpoint.text, with: key)
    }

    /// Reads a signed checkpoint; its signature is not checked until `verify(with:)`.
    public init(parsing text: String) throws {
        note = try SignedNote(parsing: text)
        checkpoint = try Checkpoint(text: note.text)
    }

    /// Checks that `key` signed this checkpoint and names the same centre.
    public func verify(with key: VerifierKey) throws {
        guard checkpoint.origin == key.name else {
            throw CheckpointError("the checkpoint is of \(checkpoint.origin) but the key is \(key.name)'s")
        }
        try note.verify(with: key)
    }

    private init(checkpoint: Checkpoint, note: SignedNote) {
        self.checkpoint = checkpoint
        self.note = note
    }

    /// The checkpoint with a signature line by `key` added: an EQA's cosignature, in C2SP
    /// signed-note form, saying they verified the log it signs.
    public func cosigned(by key: SigningKey) throws -> SignedCheckpoint {
        SignedCheckpoint(checkpoint: checkpoint, note: try note.cosigned(by: key))
    }

    /// The checkpoint with the signature lines of `other`, the same checkpoint, that it lacks.
    public func merging(_ other: SignedCheckpoint) throws -> SignedCheckpoint {
        SignedCheckpoint(checkpoint: checkpoint, note: try note.merging(other.note))
    }

    /// The signature lines by keys named otherwise than the centre (the checkpoint's
    /// origin): the cosignatures.
    public var cosignatures: [SignedNote.Signature] { note.signatures.filter { $0.name != checkpoint.origin } }

    /// The text form: the note with its signature lines.
    public var encoded: String { note.encoded }
}
