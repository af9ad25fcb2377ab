import AttestTesting
import Crypto
import Foundation
import Privacy
import Testing

@Suite struct LearnerKeysTests {
    /// Every byte of every file under `directory`, file by file.
    static func files(under directory: String) throws -> [(path: String, bytes: Data)] {
        let enumerator = try #require(FileManager.default.enumerator(atPath: directory))
        return try enumerator.compactMap { $0 as? String }.compactMap { name in
            let path = directory + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
            return (path, try Data(contentsOf: URL(fileURLWithPath: path)))
        }
    }

    @Test func aLearnersKeyIsMadeOnceAndReadBack() throws {
        let directory = TemporaryDirectory("keys")
        let keys = LearnerKeys(store: directory.path)
        #expect(try keys.keys(of: ["C-1"]).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: keys.directory), "reading makes no key store")
        let made = try keys.keys(making: ["C-1", "C-2", "C-1"])
        #expect(made.count == 2)
        let again = try keys.keys(making: ["C-1"])
        #expect(again["C-1"] == made["C-1"])
        #expect(try keys.keys(of: ["C-2", "C-3"]) == ["C-2": made["C-2"]!])
        #expect(made["C-1"] != made["C-2"])
        let chosen = SymmetricKey(data: Data(repeating: 7, count: 32))
        #expect(try keys.keys(making: ["C-1", "C-4"], newKey: { chosen }) == ["C-1": made["C-1"]!, "C-4": chosen], "a key is made only for a learner without one")
    }

    @Test func aDestroyedKeyIsInNoFileOfTheKeyStore() throws {
        let directory = TemporaryDirectory("keys")
        let keys = LearnerKeys(store: directory.path)
        let learners = (0..<300).map { "C-\($0)" }
        let made = try keys.keys(making: learners)
        // Some later writes, so that freed pages exist to be reused or left behind.
        _ = try keys.keys(making: (300..<400).map { "C-\($0)" })
        let erased = ["C-7", "C-150", "C-299"]
        func bytes(_ learner: String) -> Data { made[learner]!.withUnsafeBytes { Data($0) } }
        #expect(try Self.files(under: keys.directory).contains { $0.bytes.range(of: bytes("C-7")) != nil }, "the key is in the store before")
        for learner in erased { #expect(try keys.destroy(learner)) }
        #expect(try !keys.destroy("C-7"), "a key is destroyed once")

        for (path, contents) in try Self.files(under: keys.directory) {
            for learner in erased { #expect(contents.range(of: bytes(learner)) == nil, "\(learner)'s key is in \(path)") }
        }
        let kept = try keys.keys(of: learners)
        #expect(kept.count == 297)
        #expect(kept.allSatisfy { made[$0.key] == $0.value })
        #expect(try keys.keys(of: erased).isEmpty)
        // The store goes on after the swap.
        #expect(try keys.keys(making: ["C-7"])["C-7"] != made["C-7"])
    }
}

@Suite struct FieldSealTests {
    let key = SymmetricKey(size: .bits256)
    var sealingKey: FieldSeal.SealingKey { FieldSeal.SealingKey(key) }
    let eventID = Data((0..<16).map { UInt8($0) })

    @Test func aSealedFieldOpensOnlyAsItsRecordsFieldUnderItsKey() throws {
        let name = Data("Okafor-Hale".utf8)
        let sealed = try FieldSeal.seal(name, field: 9, eventID: eventID, key: sealingKey)
        #expect(sealed.count == 12 + name.count + 16)
        #expect(sealed.range(of: name) == nil)
        #expect(try FieldSeal.open(sealed, field: 9, eventID: eventID, key: sealingKey) == name)
        #expect(try FieldSeal.seal(name, field: 9, eventID: eventID, key: sealingKey) == sealed, "the nonce is synthetic")
        let nonces = try [name, Data("Okafor-Hald".utf8)].flatMap { value in
            try [8, 9].map { try FieldSeal.seal(value, field: UInt32($0), eventID: eventID, key: sealingKey).prefix(12) }
        }
        #expect(Set(nonces).count == 4, "another value or field has another nonce")

        #expect(throws: SealError.notOpened) { try FieldSeal.open(sealed, field: 8, eventID: eventID, key: sealingKey) }
        var otherRecord = eventID
        otherRecord[15] ^= 1
        #expect(throws: SealError.notOpened) { try FieldSeal.open(sealed, field: 9, eventID: otherRecord, key: sealingKey) }
        #expect(throws: SealError.notOpened) { try FieldSeal.open(sealed, field: 9, eventID: eventID, key: FieldSeal.SealingKey(SymmetricKey(size: .bits256))) }
        var changed = sealed
        changed[14] ^= 0x20
        #expect(throws: SealError.notOpened) { try FieldSeal.open(changed, field: 9, eventID: eventID, key: sealingKey) }
        #expect(throws: SealError.malformed) { try FieldSeal.open(sealed.prefix(27), field: 9, eventID: eventID, key: sealingKey) }
    }

    /// The libcrypto path gives exactly the bytes docs/format.md describes, as swift-crypto makes them.
    @Test func sealingMatchesSwiftCryptosAESGCMWithTheSyntheticNonce() throws {
        let nonceKey = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data("attest.v1 sealed-field nonce".utf8), using: key))
        for value in [Data(), Data("A".utf8), Data("Further evidence needed for 1.4, observed on the shop floor.".utf8)] {
            let associated = eventID + [0, 0, 0, 7]
            let nonce = Data(HMAC<SHA256>.authenticationCode(for: associated + value, using: nonceKey)).prefix(12)
            let expected = try AES.GCM.seal(value, using: key, nonce: AES.GCM.Nonce(data: nonce), authenticating: associated).combined!
            #expect(try FieldSeal.seal(value, field: 7, eventID: eventID, key: sealingKey) == expected)
            #expect(try FieldSeal.open(expected, field: 7, eventID: eventID, key: sealingKey) == value)
        }
    }
}
