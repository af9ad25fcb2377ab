import AttestTesting
import Checkpoints
import EventLog
import Foundation
import Merkle
import Testing

@Suite struct SignedCheckpointTests {
    // The example key of the Go signed-note package (golang.org/x/mod/sumdb/note, note_test.go).
    static let goSignerKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let goVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"

    @Test func keysReadAndWriteTheSignedNoteKeyFormat() throws {
        let signer = try SigningKey(text: Self.goSignerKey)
        #expect(signer.verifierKey.description == Self.goVerifierKey)
        let verifier = try VerifierKey(text: Self.goVerifierKey)
        #expect(verifier.name == "PeterNeumann")
        #expect(verifier.keyHash == 0xc74f20a3)
    }

    @Test func aNoteSignedWithTheExampleKeyMatchesTheGoPackagesSignature() throws {
        let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
        let note = try SignedNote(signing: text, with: SigningKey(text: Self.goSignerKey))
        #expect(note.encoded == text + "\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")
        try SignedNote(parsing: note.encoded).verify(with: VerifierKey(text: Self.goVerifierKey))
    }

    @Test func aKeyWithAWrongHashOrAlgorithmIsRefused() throws {
        #expect(throws: CheckpointError.self) { try VerifierKey(text: "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW") }
        #expect(throws: CheckpointError.self) { try VerifierKey(text: "PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW") }
        #expect(throws: CheckpointError.self) { try SigningKey(generatingFor: "two words") }
    }

    @Test func aCheckpointRoundTripsAndVerifiesOnlyWithItsCentresKey() throws {
        let key = try SigningKey(generatingFor: "centre.example/7")
        let checkpoint = Checkpoint(origin: "centre.example/7", size: 12, root: TreeHash.leaf([1, 2, 3]), time: Date(timeIntervalSince1970: 1_736_154_000.25))
        let signed = try SignedCheckpoint(signing: checkpoint, with: key)
        #expect(signed.encoded.hasPrefix("centre.example/7\n12\n\(checkpoint.root.base64)\ntime 2025-01-06T09:00:00.250000Z\n\n\u{2014} centre.example/7 "))
        let parsed = try SignedCheckpoint(parsing: signed.encoded)
        #expect(parsed.checkpoint == checkpoint)
        try parsed.verify(with: key.verifierKey)

        let other = try SigningKey(generatingFor: "centre.example/7")
        #expect(throws: CheckpointError.self) { try parsed.verify(with: other.verifierKey) }
        let altered = signed.encoded.replacingOccurrences(of: "\n12\n", with: "\n13\n")
        #expect(throws: CheckpointError.self) { try SignedCheckpoint(parsing: altered).verify(with: key.verifierKey) }
    }

    @Test func theKeyFileIsOwnerOnlyAndAReadableOneIsRefused() throws {
        let directory = TemporaryDirectory("key")
        let path = directory.child("centre.key")
        let key = try SigningKey(generatingFor: "centre")
        try key.write(to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try SigningKey(contentsOf: path).verifierKey == key.verifierKey)
        #expect(throws: CheckpointError.self) { try key.write(to: path) }
        chmod(path, 0o644)
        #expect(throws: CheckpointError.self) { try SigningKey(contentsOf: path) }
    }

    @Test func checkpointsAreKeptInTheStoreAndProofsLinkThem() throws {
        let directory = TemporaryDirectory("checkpoints")
        let log = try EventLog.create(at: directory.child("store"))
        let key = try SigningKey(generatingFor: "centre")
        let checkpoints = try CheckpointLog(log: log, create: true)
        try log.append(SampleEvents.notes(7, prefix: "first"))
        let first = try checkpoints.record(signedBy: key)
        try log.append(SampleEvents.notes(13, prefix: "second"))
        let second = try checkpoints.record(signedBy: key)
        #expect(try checkpoints.all() == [first, second])
        #expect(first.checkpoint.size == 7 && second.checkpoint.size == 20)
        #expect(second.checkpoint.root == (try log.head().merkleRoot))

        let proof = try log.consistencyProof(from: 7)
        #expect(proof.oldRoot == first.checkpoint.root && proof.newRoot == second.checkpoint.root)
        try proof.verify()
        let forged = ConsistencyProof(oldSize: 7, newSize: 20, oldRoot: TreeHash.leaf([9]), newRoot: proof.newRoot, hashes: proof.hashes)
        #expect(throws: ProofError.self) { try forged.verify() }
    }
}
