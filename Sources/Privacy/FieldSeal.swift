import Crypto
import Foundation

/// Seals and opens a personal field of a record under its learner's data key: AES-256-GCM
/// with, as associated data, the record's event id (16 bytes) and the field's number
/// (4 bytes, big-endian), so that a sealed value cannot be moved to another record or
/// field. A sealed value is the nonce, the ciphertext and the 16-byte tag, in that order
/// (`docs/format.md`, *Sealed fields*).
///
/// The 96-bit nonce is synthetic: the first 12 bytes of HMAC-SHA256, under a key derived
/// from the data key, of the associated data and the value. Two different values never
/// share a nonce (short of a collision of HMAC), which is what GCM's secrecy rests on, and
/// the same value of the same record and field seals to the same bytes, so a store's
/// records are the same whenever its events are appended with the same keys.
public enum FieldSeal {
    /// A data key as sealing uses it: with the key of its synthetic nonces, derived once.
    public struct SealingKey {
        public let key: SymmetricKey
        let nonceKey: SymmetricKey

        public init(_ key: SymmetricKey) {
            self.key = key
            nonceKey = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data("attest.v1 sealed-field nonce".utf8), using: key))
        }
    }

    /// `value` sealed as field `field` of the record whose event id is `eventID`.
    public static func seal(_ value: some DataProtocol, field: UInt32, eventID: some DataProtocol, key: SealingKey) throws -> Data {
        let associated = associatedData(field: field, eventID: eventID)
        var hmac = HMAC<SHA256>(key: key.nonceKey)
        hmac.update(data: associated)
        hmac.update(data: Data(value))
        let nonce = try AES.GCM.Nonce(data: Data(hmac.finalize()).prefix(12))
        let box = try AES.GCM.seal(value, using: key.key, nonce: nonce, authenticating: associated)
        guard let combined = box.combined else { throw SealError.malformed }
        return combined
    }

    /// The value `sealed` holds. - Throws: `SealError` when it was not sealed by `key` as
    /// field `field` of the record `eventID`, or was changed since.
    public static func open(_ sealed: some DataProtocol, field: UInt32, eventID: some DataProtocol, key: SymmetricKey) throws -> Data {
        guard sealed.count >= 12 + 16, let box = try? AES.GCM.SealedBox(combined: sealed) else { throw SealError.malformed }
        do {
            return try AES.GCM.open(box, using: key, authenticating: associatedData(field: field, eventID: eventID))
        } catch {
            throw SealError.notOpened
        }
    }

    private static func associatedData(field: UInt32, eventID: some DataProtocol) -> Data {
        var data = Data(eventID)
        withUnsafeBytes(of: field.bigEndian) { data.append(contentsOf: $0) }
        return data
    }
}

/// Why a sealed field did not open.
public enum SealError: Error, Equatable, CustomStringConvertible {
    /// Too short, or not the shape of a sealed value.
    case malformed
    /// Another key, record or field, or bytes changed since it was sealed.
    case notOpened

    public var description: String {
        switch self {
        case .malformed: "the sealed value is malformed"
        case .notOpened: "the sealed value does not open with the learner's key for this record and field"
        }
    }
}
