import Foundation

/// A C2SP signed note: a text ending in a newline, a blank line, and signature lines
/// `— NAME BASE64(KEYHASH ‖ SIGNATURE)`, each ending in a newline.
public struct SignedNote: Equatable, Sendable {
    /// The signed text, ending in a newline.
    public let text: String
    public let signatures: [Signature]

    /// One signature line.
    public struct Signature: Equatable, Sendable {
        public let name: String
        public let keyHash: UInt32
        /// The 64-byte Ed25519 signature of the text's UTF-8 bytes.
        public let signature: [UInt8]
    }

    private init(text: String, signatures: [Signature]) {
        self.text = text
        self.signatures = signatures
    }

    /// The note with a signature line by `key` after its own: a cosignature, such as an
    /// EQA adds to a checkpoint they verified.
    public func cosigned(by key: SigningKey) throws -> SignedNote {
        let line = Signature(name: key.name, keyHash: key.verifierKey.keyHash, signature: try key.signature(for: Array(text.utf8)))
        return SignedNote(text: text, signatures: signatures + [line])
    }

    /// The note with the signature lines of `other`, a note of the same text, that it lacks.
    public func merging(_ other: SignedNote) throws -> SignedNote {
        guard other.text == text else { throw CheckpointError("the notes sign different texts") }
        return SignedNote(text: text, signatures: signatures + other.signatures.filter { !signatures.contains($0) })
    }

    /// Signs `text` (which must end in a newline and hold no blank line) with `key`.
    public init(signing text: String, with key: SigningKey) throws {
        guard text.hasSuffix("\n"), !text.contains("\n\n") else {
            throw CheckpointError("a note's text must end in a newline and hold no blank line")
        }
        self.text = text
        self.signatures = [Signature(name: key.name, keyHash: key.verifierKey.keyHash, signature: try key.signature(for: Array(text.utf8)))]
    }

    /// Reads a signed note, splitting at its last blank line.
    public init(parsing note: String) throws {
        guard let split = note.range(of: "\n\n", options: .backwards) else {
            throw CheckpointError("a signed note has its text, a blank line, then signature lines; no blank line was found")
        }
        text = String(note[..<split.lowerBound]) + "\n"
        let lines = note[split.upperBound...]
        guard lines.hasSuffix("\n") else { throw CheckpointError("the note's last signature line does not end in a newline") }
        signatures = try lines.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 3, fields[0] == "\u{2014}" else {
                throw CheckpointError("a signature line is '— NAME SIGNATURE'; found \(String(line).debugDescription)")
            }
            guard let decoded = Data(base64Encoded: String(fields[2])), decoded.count > 4 else {
                throw CheckpointError("the signature of \(fields[1]) is not base64 of a key hash and a signature")
            }
            return Signature(
                name: String(fields[1]), keyHash: decoded.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }, signature: Array(decoded.dropFirst(4)))
        }
        guard !signatures.isEmpty else { throw CheckpointError("the note carries no signature") }
    }

    /// The note's text form.
    public var encoded: String {
        text + "\n" + signatures.map { signature in
            let bytes = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: signature.keyHash >> $0) } + signature.signature
            return "\u{2014} \(signature.name) \(Data(bytes).base64EncodedString())\n"
        }.joined()
    }

    /// Checks that `key` signed the text, as C2SP signed notes are checked: lines by other
    /// keys are ignored, and every line by `key` (its name and key hash), whatever their
    /// order, must verify.
    /// - Throws: when no signature line is by `key`, or one of its lines does not verify.
    public func verify(with key: VerifierKey) throws {
        let lines = signatures.enumerated().filter { $0.element.name == key.name && $0.element.keyHash == key.keyHash }
        guard !lines.isEmpty else {
            let names = signatures.map { "\($0.name) (\(hex8($0.keyHash)))" }.joined(separator: ", ")
            throw CheckpointError("the note is not signed by \(key.name) (\(hex8(key.keyHash))); it is signed by \(names)")
        }
        let text = Array(self.text.utf8)
        for (index, line) in lines where !key.isValidSignature(line.signature, for: text) {
            throw CheckpointError(
                "signature line \(index + 1), by \(key.name) (\(hex8(key.keyHash))), does not verify: the note was altered or the line forged")
        }
    }
}
