import EventLog
import Foundation
import Merkle

/// A checkpoint of a centre's log (C2SP tlog-checkpoint): the origin (the centre's identity),
/// the number of records, the Merkle root, and the time it was taken as an extension line.
///
/// ```
/// centre.example
/// 12435
/// AhBZ7mOKz8c3Qy1uWkSgQj0fPjvFJd3m1xOqL2b0wJo=
/// time 2026-11-23T11:20:00.000000Z
/// ```
public struct Checkpoint: Equatable, Sendable {
    public let origin: String
    public let size: UInt64
    public let root: Hash
    /// When the centre took the checkpoint, to the microsecond.
    public let time: Date

    public init(origin: String, size: UInt64, root: Hash, time: Date) {
        self.origin = origin
        self.size = size
        self.root = root
        self.time = Date(microsecondsSinceEpoch: time.microsecondsSinceEpoch)
    }

    /// The note text: four lines, each ending in a newline.
    public var text: String {
        "\(origin)\n\(size)\n\(Data(root.bytes).base64EncodedString())\ntime \(Timestamp.format(time))\n"
    }

    /// Reads a checkpoint's note text.
    public init(text: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard text.hasSuffix("\n"), lines.count >= 3 else {
            throw CheckpointError("a checkpoint has an origin, a size and a root hash, each on a line")
        }
        let fields = Array(lines)
        guard let size = UInt64(fields[1]), String(size) == fields[1] else {
            throw CheckpointError("the checkpoint's size \(String(fields[1]).debugDescription) is not a decimal number")
        }
        guard let bytes = Data(base64Encoded: String(fields[2])), let root = Hash(bytes: bytes) else {
            throw CheckpointError("the checkpoint's root \(String(fields[2]).debugDescription) is not base64 of 32 bytes")
        }
        guard let timeLine = fields.dropFirst(3).first(where: { $0.hasPrefix("time ") }),
              let time = Timestamp.parse(String(timeLine.dropFirst(5)))
        else { throw CheckpointError("the checkpoint has no 'time RFC3339' extension line") }
        guard Self.times.contains(time) else {
            throw CheckpointError("the checkpoint's time \(timeLine.dropFirst(5)) is not in the years 0000 to 9999 in UTC")
        }
        self.init(origin: String(fields[0]), size: size, root: root, time: time)
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

    /// The text form: the note with its signature lines.
    public var encoded: String { note.encoded }
}
