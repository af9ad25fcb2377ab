import Crypto
import Foundation

/// An external quality assurer's key pair for disclosures (X25519): they keep the identity,
/// and give its recipient key to the centres they visit.
public struct EQAIdentity: Sendable {
    /// How an identity is written: this prefix, then the private key's 32 bytes in base64.
    static let prefix = "ATTEST-EQA-IDENTITY-1:"

    /// The private key's raw bytes (the keys themselves are not `Sendable`).
    private let raw: Data

    var privateKey: Curve25519.KeyAgreement.PrivateKey { try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw) }

    /// A new, random identity.
    public init() { raw = Curve25519.KeyAgreement.PrivateKey().rawRepresentation }

    /// Reads an identity as `text` writes it. - Throws: `DisclosureError`.
    public init(text: String) throws {
        guard let raw = rawKey(text, prefix: Self.prefix), (try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw)) != nil
        else { throw DisclosureError("an identity is one line, \(Self.prefix) and 32 bytes in base64") }
        self.raw = raw
    }

    /// The identity as one line, to keep secret.
    public var text: String { Self.prefix + raw.base64EncodedString() }

    /// The key centres disclose to.
    public var recipient: EQARecipient { EQARecipient(raw: privateKey.publicKey.rawRepresentation) }
}

/// The public half of an `EQAIdentity`, which a centre discloses learners' keys to.
public struct EQARecipient: Sendable, Equatable, CustomStringConvertible {
    /// How a recipient key is written: this prefix, then the public key's 32 bytes in base64.
    static let prefix = "attest-eqa-1:"

    /// The public key's raw bytes.
    private let raw: Data

    var publicKey: Curve25519.KeyAgreement.PublicKey { try! Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw) }

    init(raw: Data) { self.raw = raw }

    /// Reads a recipient key as `description` writes it. - Throws: `DisclosureError`.
    public init(text: String) throws {
        guard let raw = rawKey(text, prefix: Self.prefix), (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw)) != nil
        else { throw DisclosureError("an EQA's key is one line, \(Self.prefix) and 32 bytes in base64") }
        self.raw = raw
    }

    /// The key as one line.
    public var description: String { Self.prefix + raw.base64EncodedString() }
}

/// A learner's data key sealed to an EQA with HPKE (RFC 9180, base mode: DHKEM(X25519,
/// HKDF-SHA256), HKDF-SHA256, AES-256-GCM), bound to one bundle: the associated data is
/// the bundle's checkpoint root and the learner's reference, so a disclosed key cannot be
/// moved to another bundle or learner.
public struct DisclosedKey: Sendable, Equatable {
    static var suite: HPKE.Ciphersuite { HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .AES_GCM_256) }
    static let info = Data("attest.v1 learner key disclosure".utf8)

    public let learner: String
    /// HPKE's encapsulated key.
    public let encapsulated: Data
    /// The data key, sealed.
    public let sealed: Data

    /// `key`, learner `learner`'s data key, sealed to `recipient` for the bundle whose checkpoint root is `root`.
    public init(_ key: SymmetricKey, learner: String, root: some DataProtocol, to recipient: EQARecipient) throws {
        var sender = try HPKE.Sender(recipientKey: recipient.publicKey, ciphersuite: Self.suite, info: Self.info)
        self.learner = learner
        encapsulated = sender.encapsulatedKey
        sealed = try key.withUnsafeBytes { try sender.seal(Data($0), authenticating: Self.associatedData(learner, root)) }
    }

    /// The data key, opened with `identity`. - Throws: `DisclosureError` when it was not
    /// sealed to `identity` for this learner and root, or was changed since.
    public func open(with identity: EQAIdentity, root: some DataProtocol) throws -> SymmetricKey {
        do {
            var recipient = try HPKE.Recipient(privateKey: identity.privateKey, ciphersuite: Self.suite, info: Self.info, encapsulatedKey: encapsulated)
            let key = try recipient.open(sealed, authenticating: Self.associatedData(learner, root))
            guard key.count == 32 else { throw DisclosureError("it holds \(key.count) bytes, not a 32-byte data key") }
            return SymmetricKey(data: key)
        } catch let error as DisclosureError {
            throw error
        } catch {
            throw DisclosureError("the key disclosed for learner \(learner) does not open with your identity: it was sealed to another key, for another bundle, or changed since")
        }
    }

    /// The line of a bundle's `disclosed` file: `LEARNER ENCAPSULATED SEALED`, both in base64.
    public var line: String { "\(learner) \(encapsulated.base64EncodedString()) \(sealed.base64EncodedString())" }

    /// Reads a `disclosed` line. - Throws: `DisclosureError`.
    public init(line: some StringProtocol) throws {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 3, !fields[0].isEmpty, let encapsulated = Data(base64Encoded: String(fields[1])),
              let sealed = Data(base64Encoded: String(fields[2])), encapsulated.count == 32, sealed.count == 32 + 16
        else { throw DisclosureError("a disclosed key is 'LEARNER ENCAPSULATED SEALED', a 32-byte key and a 48-byte sealed key in base64") }
        learner = String(fields[0])
        self.encapsulated = encapsulated
        self.sealed = sealed
    }

    private static func associatedData(_ learner: String, _ root: some DataProtocol) -> Data {
        Data(root) + Data([0]) + Data(learner.utf8)
    }
}

/// The bytes of a key written as one line, `prefix` and base64; `nil` when `text` is not that.
private func rawKey(_ text: String, prefix: String) -> Data? {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard trimmed.hasPrefix(prefix) else { return nil }
    return Data(base64Encoded: String(trimmed.dropFirst(prefix.count)))
}

/// A key that cannot be read, or a disclosure that cannot be made or opened: what is wrong.
public struct DisclosureError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
