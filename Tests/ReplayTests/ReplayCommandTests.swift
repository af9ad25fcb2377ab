import AttestTesting
import Checkpoints
import Merkle
import Foundation
import Testing

/// The tools end to end: `attest` signs and exports, `attest-replay` verifies, and two short
/// Python scripts written from docs/format.md check the signature and the Merkle root
/// independently of Attest's code.
@Suite(.serialized) struct ReplayCommandTests {
    let attest = Command("attest")
    let replay = Command("attest-replay")
    let python = Command(absolute: "/usr/bin/python3")
    let tools = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tools").path
    let directory = TemporaryDirectory("replay-commands")

    /// A store of a generated centre, checkpointed, with its public key and checkpoint saved.
    private func centre() throws -> (store: String, key: String, checkpoint: String) {
        let store = directory.child("centre.store")
        #expect(try attest.run(["init", store, "--centre", "centre.example/9"]).status == 0)
        let events = try attest.run(["generate", "--learners", "8", "--seed", "4"])
        #expect(try attest.run(["append", store, "-", "--quiet"], input: events.stdout).status == 0)
        let checkpoint = try attest.run(["checkpoint", store])
        #expect(checkpoint.status == 0)
        try checkpoint.stdout.write(toFile: directory.child("kept.checkpoint"), atomically: true, encoding: .utf8)
        let key = try attest.run(["key", store])
        try key.stdout.write(toFile: directory.child("centre.pub"), atomically: true, encoding: .utf8)
        return (store, directory.child("centre.pub"), directory.child("kept.checkpoint"))
    }

    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func aCleanStoreBundleAndLearnerBundleVerifyWithExitZero() throws {
        let (store, key, kept) = try centre()
        let live = try replay.run([store, "--key", key, "--since-checkpoint", kept, "--json"])
        #expect(live.status == 0, "\(live.stderr)")
        #expect(try json(live.stdout)["verified"] as? Bool == true)

        let bundle = directory.child("bundle")
        #expect(try attest.run(["export", store, bundle]).status == 0)
        let whole = try replay.run([bundle, "--key", key])
        #expect(whole.status == 0, "\(whole.stderr)")
        #expect(whole.stdout.contains("verified     bundle"))

        let learner = directory.child("learner")
        let exported = try attest.run(["export", store, learner, "--learner", "L000002"])
        #expect(exported.status == 0, "\(exported.stderr)")
        let one = try replay.run([learner, "--key", key, "--json"])
        #expect(one.status == 0, "\(one.stderr)")
        let report = try json(one.stdout)
        #expect(report["source"] as? String == "learner bundle")
        #expect((report["records"] as? Int ?? 0) > 5)
    }

    @Test func aLiveStoreVerifiesWhileTheCentreKeepsAppending() throws {
        let store = directory.child("live.store")
        #expect(try attest.run(["init", store]).status == 0)
        let lines = try attest.run(["generate", "--learners", "12", "--seed", "6"]).stdout.split(separator: "\n")
        let cut = lines.count * 2 / 3
        #expect(try attest.run(["append", store, "-", "--quiet"], input: lines[..<cut].joined(separator: "\n")).status == 0)
        #expect(try attest.run(["checkpoint", store]).status == 0)
        let rest = directory.child("rest.ndjson")
        try lines[cut...].joined(separator: "\n").write(toFile: rest, atomically: true, encoding: .utf8)
        let writer = try attest.start(["append", store, rest, "--batch-size", "5", "--quiet"]) { _ in }
        var replays = 0
        repeat {
            let run = try replay.run([store, "--json"])
            #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
            replays += 1
        } while writer.isAlive && replays < 20
        #expect(writer.wait() == 0)
        #expect(try replay.run([store]).status == 0)
    }

    @Test func exitCodesSayBreachOrUsage() throws {
        let (store, key, _) = try centre()
        let bundle = directory.child("tampered")
        #expect(try attest.run(["export", store, bundle]).status == 0)
        var records = try [UInt8](Data(contentsOf: URL(fileURLWithPath: bundle + "/records")))
        records[200] ^= 0x40
        try Data(records).write(to: URL(fileURLWithPath: bundle + "/records"))
        let breach = try replay.run([bundle, "--key", key, "--json"])
        #expect(breach.status == 1)
        let report = try json(breach.stdout)
        #expect(report["verified"] as? Bool == false)
        #expect((report["breach"] as? [String: Any])?["sequence"] != nil)

        let unsigned = directory.child("unsigned.store")
        #expect(try attest.run(["init", unsigned]).status == 0)
        let nothingSigned = try replay.run([unsigned])
        #expect(nothingSigned.status == 1)
        #expect(nothingSigned.stdout.contains("no signed checkpoint"))

        #expect(try replay.run([directory.child("nothing-here"), "--key", key]).status == 2)
        #expect(try replay.run([store, "--key", key, "--as-of", "soon"]).status == 2)
        #expect(try replay.run([store, "--key", "not a key"]).status == 2)
        #expect(try replay.run(["--help"]).stdout.contains("Example:"))
    }

    @Test func anIndependentEd25519CheckAndMerkleRootAgree() throws {
        let (store, key, kept) = try centre()
        let signature = try python.run([tools + "/verify-checkpoint.py", key, kept, "--json"])
        #expect(signature.status == 0, "\(signature.stderr)")
        let checked = try json(signature.stdout)
        #expect(checked["verified"] as? Bool == true)

        let forgedCheckpoint = directory.child("forged.checkpoint")
        let text = try String(contentsOfFile: kept, encoding: .utf8)
        let size = try #require(checked["size"] as? Int)
        try text.replacingOccurrences(of: "\n\(size)\n", with: "\n\(size + 1)\n").write(toFile: forgedCheckpoint, atomically: true, encoding: .utf8)
        #expect(try python.run([tools + "/verify-checkpoint.py", key, forgedCheckpoint]).status == 1)

        let bundle = directory.child("bundle")
        #expect(try attest.run(["export", store, bundle]).status == 0)
        let root = try python.run([tools + "/bundle-root.py", bundle, "--json"])
        #expect(root.status == 0, "\(root.stderr)")
        #expect(try json(root.stdout)["root"] as? String == checked["root"] as? String)

        // One learner's inclusion proofs check against the whole log's checkpoint.
        let learner = directory.child("learner")
        #expect(try attest.run(["export", store, learner, "--learner", "L000005"]).status == 0)
        let proofs = try python.run([tools + "/bundle-root.py", learner, "--json"])
        #expect(proofs.status == 0, "\(proofs.stderr)")
        #expect(try json(proofs.stdout)["root"] as? String == checked["root"] as? String)
    }

    @Test func aStoreFromBeforeSigningKeysIsGivenItsFirstKey() throws {
        let old = try Fixtures.copy("v1/store", into: directory)
        let keyFile = old + "/centre.key"
        #expect(!FileManager.default.fileExists(atPath: keyFile))
        #expect(try attest.run(["key", old, "--centre", "centre.example/1"]).status != 0, "--centre goes with --create")

        let created = try attest.run(["key", old, "--create"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.hasPrefix("v1-store+"), "named after the store's directory, as `attest init` names it")
        #expect(try attest.run(["key", old]).stdout == created.stdout)
        let key = directory.child("v1.pub")
        try created.stdout.write(toFile: key, atomically: true, encoding: .utf8)
        #expect(try attest.run(["checkpoint", old]).status == 0)
        let replayed = try replay.run([old, "--key", key])
        #expect(replayed.status == 0, "\(replayed.stdout) \(replayed.stderr)")

        let again = try attest.run(["key", old, "--create"])
        #expect(again.status != 0)
        #expect(again.stderr.contains("\(keyFile) already holds the centre's signing key"))
        #expect(try attest.run(["key", old]).stdout == created.stdout)
    }

    @Test func proveCheckpointsAndKeyPrintWhatTheDocsSay() throws {
        let (store, key, _) = try centre()
        let listed = try attest.run(["checkpoints", store, "--json"])
        #expect(listed.status == 0)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]).first
        let size = try #require(first?["size"] as? Int)
        let proof = try attest.run(["prove", store, "--from-size", "\(size / 2)"])
        #expect(proof.status == 0)
        #expect(proof.stdout.hasPrefix("consistency \(size / 2) \(size)\nold "))
        #expect(try attest.run(["prove", store, "--from-size", "\(size + 1)"]).status != 0)
        #expect(try String(contentsOfFile: key, encoding: .utf8).hasPrefix("centre.example/9+"))
        let mode = try FileManager.default.attributesOfItem(atPath: store + "/centre.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func anEQACosignsAVerifiedCheckpointAndTheCentreKeepsTheCosignature() throws {
        let (store, key, _) = try centre()
        let eqaKey = directory.child("eqa.key"), eqaPub = directory.child("eqa.pub")
        let made = try attest.run(["cosigner-key", "eqa.example/jo", "--out", eqaKey])
        #expect(made.status == 0, "\(made.stderr)")
        try made.stdout.write(toFile: eqaPub, atomically: true, encoding: .utf8)
        let mode = try FileManager.default.attributesOfItem(atPath: eqaKey)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let bundle = directory.child("cosign-bundle"), cosigned = directory.child("visit.cosigned")
        #expect(try attest.run(["export", store, bundle]).status == 0)
        let run = try replay.run([bundle, "--key", key, "--cosign", eqaKey, "--cosigned", cosigned])
        #expect(run.status == 0 && run.stdout.contains("cosigned     the checkpoint, with your key"), "\(run.stdout)\(run.stderr)")
        let note = try String(contentsOfFile: cosigned, encoding: .utf8)
        #expect(note.hasSuffix("\n") && note.split(separator: "\n").last?.hasPrefix("\u{2014} eqa.example/jo ") == true)
        // Independently: the centre's signature and the EQA's both verify.
        #expect(try python.run([tools + "/verify-checkpoint.py", key, cosigned]).status == 0)
        #expect(try python.run([tools + "/verify-checkpoint.py", eqaPub, cosigned, "--cosigner"]).status == 0)
        #expect(try python.run([tools + "/verify-checkpoint.py", eqaPub, cosigned]).status == 1, "not the centre's checkpoint")

        let kept = try attest.run(["checkpoints", store, "--add-cosigned", cosigned, "--cosigner", eqaPub])
        #expect(kept.status == 0 && kept.stdout.contains("cosigned by eqa.example/jo"), "\(kept.stdout)\(kept.stderr)")
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(attest.run(["checkpoints", store, "--json"]).stdout.utf8)) as? [[String: Any]])
        #expect(listed.last?["cosignedBy"] as? [String] == ["eqa.example/jo"])
        // A cosignature that another key does not make is refused, and the store keeps the note it had.
        let other = directory.child("other.pub")
        try (try SigningKey(generatingFor: "eqa.example/jo").verifierKey.description + "\n").write(toFile: other, atomically: true, encoding: .utf8)
        let refused = try attest.run(["checkpoints", store, "--add-cosigned", cosigned, "--cosigner", other])
        #expect(refused.status == 1 && refused.stderr.contains("the cosignature: the note is not signed by eqa.example/jo"), "\(refused.stderr)")
        // The store, with the cosignature kept, still verifies, and the EQA's own checkpoint file serves as a kept one.
        #expect(try replay.run([store, "--key", key, "--since-checkpoint", cosigned]).status == 0)
    }

    @Test func twoEQAsCheckpointsThatDisagreeAreASplitViewWithExitOne() throws {
        let (store, key, kept) = try centre()
        // The same size, signed with the centre's own key over another root: what a centre showing two histories hands out.
        let keyText = try String(contentsOfFile: store + "/centre.key", encoding: .utf8)
        let signing = try SigningKey(text: keyText)
        let original = try SignedCheckpoint(parsing: String(contentsOfFile: kept, encoding: .utf8)).checkpoint
        let forged = try SignedCheckpoint(signing: Checkpoint(origin: original.origin, size: original.size, root: TreeHash.leaf([9]), time: Date()), with: signing)
        let other = directory.child("other-eqa.checkpoint")
        try forged.encoded.write(toFile: other, atomically: true, encoding: .utf8)
        let run = try replay.run([store, "--key", key, "--since-checkpoint", kept, "--since-checkpoint", other, "--json"])
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("split view"), "\(run.stdout)")
    }
}
