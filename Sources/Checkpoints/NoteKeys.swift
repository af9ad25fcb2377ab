import Crypto
import Foundation
import Merkle

/// The signature algorithm byte of a signed-note key: Ed25519.
let ed25519Algorithm: UInt8 = 0x01

/// A key name is a centre's identity in its checkpoints: printable ASCII without spaces or `+`.
func isValidKeyName(_ name: String) -> Bool {
    !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "+") }
}

/// The signed-note key hash: the first four bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key), big-endian.
func keyHash(name: String, publicKey: [UInt8]) -> UInt32 {
    let digest = (Array(name.utf8) + [0x0A, ed25519Algorithm] + publicKey).withUnsafeBytes(TreeHash.sha256).bytes
    return digest.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
}

func hex8(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
}

/// Why a key, checkpoint or signature was refused.
public struct CheckpointError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A centre's public key, as a signed-note verifier key: `NAME+KEYHASH+BASE64(0x01 ‖ key)`.
///
/// Example: `centre.example+6c1b2f0e+AVm1…=`
public struct VerifierKey: Equatable, Sendable, CustomStringConvertible {
    /// The centre's identity: the key's name and its checkpoints' origin.
    public let name: String
    public let keyHash: UInt32
    /// The 32-byte Ed25519 public key.
    public let publicKey: [UInt8]

    init(name: String, publicKey: [UInt8]) {
        self.name = name
        self.publicKey = publicKey
        self.keyHash = Checkpoints.keyHash(name: name, publicKey: publicKey)
    }

    /// Reads the text form (surrounding white space is ignored).
    public init(text: String) throws {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw CheckpointError("a verifier key is NAME+KEYHASH+BASE64KEY; this has \(parts.count) part(s)")
        }
        let name = String(parts[0])
        guard isValidKeyName(name) else { throw CheckpointError("the key name \(name.debugDescription) is not valid") }
        guard parts[1].count == 8, let hash = UInt32(parts[1], radix: 16) else {
            throw CheckpointError("the key hash \(parts[1].debugDescription) is not 8 hexadecimal digits")
        }
        guard let decoded = Data(base64Encoded: String(parts[2])), decoded.count == 33, decoded.first == ed25519Algorithm else {
            throw CheckpointError("the key is not base64 of the Ed25519 algorithm byte 01 and a 32-byte public key")
        }
        self.init(name: name, publicKey: Array(decoded.dropFirst()))
        guard keyHash == hash else {
            throw CheckpointError("the key hash \(parts[1]) does not match the key (it should be \(hex8(keyHash)))")
        }
    }

    public var description: String {
        "\(name)+\(hex8(keyHash))+\(Data([ed25519Algorithm] + publicKey).base64EncodedString())"
    }

    /// Whether `signature` is this key's Ed25519 signature of `message`.
    func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }
}

/// A centre's Ed25519 signing key, kept in a file of its own with owner-only permissions,
/// in the signed-note signer key form `PRIVATE+KEY+NAME+KEYHASH+BASE64(0x01 ‖ seed)`.
public struct SigningKey {
    /// The centre's identity.
    public let name: String
    private let key: Curve25519.Signing.PrivateKey

    /// A new random key for centre `name`.
    public init(generatingFor name: String) throws {
        guard isValidKeyName(name) else {
            throw CheckpointError("the centre name \(name.debugDescription) is not valid: use printable ASCII without spaces or '+'")
        }
        self.name = name
        self.key = Curve25519.Signing.PrivateKey()
    }

    /// Reads the text form of a signer key.
    public init(text: String) throws {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY" else {
            throw CheckpointError("a signing key is PRIVATE+KEY+NAME+KEYHASH+BASE64KEY")
        }
        guard let decoded = Data(base64Encoded: String(parts[4])), decoded.count == 33, decoded.first == ed25519Algorithm,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: decoded.dropFirst())
        else { throw CheckpointError("the signing key is not base64 of the Ed25519 algorithm byte 01 and a 32-byte seed") }
        self.name = String(parts[2])
        self.key = key
        guard isValidKeyName(name), hex8(verifierKey.keyHash) == parts[3] else {
            throw CheckpointError("the signing key's name or key hash does not match its key")
        }
    }

    /// The text form, secret: it is written only to the key file.
    var text: String {
        let verifier = verifierKey
        return "PRIVATE+KEY+\(name)+\(hex8(verifier.keyHash))+\(Data([ed25519Algorithm] + key.rawRepresentation).base64EncodedString())"
    }

    /// The public half, to give to external quality assurers.
    public var verifierKey: VerifierKey { VerifierKey(name: name, publicKey: Array(key.publicKey.rawRepresentation)) }

    /// The Ed25519 signature of `message`.
    func signature(for message: [UInt8]) throws -> [UInt8] { Array(try key.signature(for: message)) }
}

extension SigningKey {
    /// The name of a store's key file.
    public static let fileName = "centre.key"

    /// The key file of the store in directory `store`: beside the LMDB files, never inside them.
    public static func path(inStore store: String) -> String { store + "/" + fileName }

    /// Writes the key to a new file `path`, readable and writable by its owner only (0600).
    /// - Throws: when the file exists: a centre keeps its key.
    public func write(to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw CheckpointError("cannot create the key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let bytes = Array((text + "\n").utf8)
        guard Foundation.write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            throw CheckpointError("cannot write the key file \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Reads the key file `path`, refusing one that others may read.
    public init(contentsOf path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw CheckpointError("cannot read the signing key \(path): \(String(cString: strerror(errno))) (a store's key is made when the store is created; an EQA makes their own)")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw CheckpointError("the signing key \(path) may be read by others (mode \(String(info.st_mode & 0o777, radix: 8))): make it readable by its owner alone (mode 600)")
        }
        try self.init(text: String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self))
    }
}
