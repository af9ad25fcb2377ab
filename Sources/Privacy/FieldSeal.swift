import CFieldSeal
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
    /// A data key as sealing and opening use it: the key of its synthetic nonces derived
    /// once, and libcrypto's contexts for it (`CFieldSeal`), used by one caller at a time.
    public final class SealingKey: @unchecked Sendable {
        private let context: UnsafeMutablePointer<attest_field_key>
        private let lock = NSLock()

        public init(_ key: SymmetricKey) {
            let nonceKey = HMAC<SHA256>.authenticationCode(for: Data("attest.v1 sealed-field nonce".utf8), using: key)
            context = key.withUnsafeBytes { key in
                nonceKey.withUnsafeBytes { nonceKey in
                    attest_field_key_new(key.bindMemory(to: UInt8.self).baseAddress, nonceKey.bindMemory(to: UInt8.self).baseAddress)
                }
            }!
        }

        deinit { attest_field_key_free(context) }

        fileprivate func seal(_ value: UnsafeRawBufferPointer, associated: UnsafeRawBufferPointer) throws -> Data {
            guard let sealed = run(attest_field_seal, value, associated: associated, giving: value.count + 28) else { throw SealError.malformed }
            return sealed
        }

        fileprivate func open(_ sealed: UnsafeRawBufferPointer, associated: UnsafeRawBufferPointer) throws -> Data {
            guard let value = run(attest_field_open, sealed, associated: associated, giving: sealed.count - 28) else { throw SealError.notOpened }
            return value
        }

        /// What `function` (`attest_field_seal` or `attest_field_open`) makes of `input`:
        /// `count` bytes, or `nil` when it fails.
        private func run(
            _ function: (UnsafeMutablePointer<attest_field_key>?, UnsafePointer<UInt8>?, Int, UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UInt8>?) -> Int32,
            _ input: UnsafeRawBufferPointer, associated: UnsafeRawBufferPointer, giving count: Int
        ) -> Data? {
            var output = Data(count: count)
            var spare: UInt8 = 0
            let done = lock.withLock {
                output.withUnsafeMutableBytes { out in
                    function(context, associated.bytes(or: &spare), associated.count, input.bytes(or: &spare), input.count, out.bytes(or: &spare))
                }
            }
            return done == 1 ? output : nil
        }
    }

    /// `value` sealed as field `field` of the record whose event id is `eventID`.
    public static func seal(_ value: Data, field: UInt32, eventID: Data, key: SealingKey) throws -> Data {
        try withAssociatedData(field: field, eventID: eventID) { associated in
            try value.withUnsafeBytes { try key.seal($0, associated: associated) }
        }
    }

    /// The value `sealed` holds. - Throws: `SealError` when it was not sealed by `key` as
    /// field `field` of the record `eventID`, or was changed since.
    public static func open(_ sealed: Data, field: UInt32, eventID: Data, key: SealingKey) throws -> Data {
        guard sealed.count >= 12 + 16 else { throw SealError.malformed }
        return try withAssociatedData(field: field, eventID: eventID) { associated in
            try sealed.withUnsafeBytes { try key.open($0, associated: associated) }
        }
    }

    /// Calls `body` with the associated data: the event id ‖ BE32 field.
    private static func withAssociatedData<R>(field: UInt32, eventID: Data, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var data = eventID
        withUnsafeBytes(of: field.bigEndian) { data.append(contentsOf: $0) }
        return try data.withUnsafeBytes(body)
    }
}

extension UnsafeRawBufferPointer {
    /// The first byte's address, or `spare`'s for an empty buffer: libcrypto wants an address.
    fileprivate func bytes(or spare: UnsafeMutablePointer<UInt8>) -> UnsafePointer<UInt8> {
        baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? UnsafePointer(spare)
    }
}

extension UnsafeMutableRawBufferPointer {
    fileprivate func bytes(or spare: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? spare
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
