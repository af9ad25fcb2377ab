import Checkpoints

/// The signed checkpoint parser (`SignedCheckpoint(parsing:)`: a C2SP signed note holding a
/// checkpoint): every refusal is a `CheckpointError`, and what is accepted reads back the
/// same from its text form, both the note and the checkpoint in it.
final class CheckpointHarness: Harness {
    func check(_ input: [UInt8]) throws -> Outcome {
        let parsed: SignedCheckpoint
        do {
            parsed = try SignedCheckpoint(parsing: String(decoding: input, as: UTF8.self))
        } catch {
            return try Harnesses.refusal(error, as: CheckpointError.self)
        }
        try Self.expectSame(parsed, reading: parsed.encoded) { try SignedCheckpoint(parsing: $0) }
        try Self.expectSame(parsed.checkpoint, reading: parsed.checkpoint.text) { try Checkpoint(text: $0) }
        return .accepted
    }

    /// `text`, written from `value`, reads back as `value`.
    private static func expectSame<Value: Equatable>(_ value: Value, reading text: String, _ read: (String) throws -> Value) throws {
        let again: Value
        do {
            again = try read(text)
        } catch {
            throw Finding("the text form of an accepted \(Value.self) is refused: \(error)\n\(text.debugDescription)")
        }
        guard again == value else {
            throw Finding("the text form of an accepted \(Value.self) reads back differently: \(text.debugDescription)")
        }
    }
}
