import AttestTesting
import Foundation
import Testing

/// `attest backup` and `attest restore` end to end: a restored store verifies, replays for an
/// EQA against the checkpoint it was backed up with, and signs new checkpoints with its key.
@Suite(.serialized) struct BackupRestoreTests {
    let attest = Command("attest")
    let replay = Command("attest-replay")
    let directory = TemporaryDirectory("backup-restore")

    @Test func aRestoredBackupVerifiesReplaysAndSignsANewCheckpoint() throws {
        let store = directory.child("centre.store")
        #expect(try attest.run(["init", store, "--centre", "centre.example/42"]).status == 0)
        let lines = try attest.run(["generate", "--learners", "10", "--seed", "3"]).stdout.split(separator: "\n")
        let cut = lines.count / 2
        #expect(try attest.run(["append", store, "-", "--quiet"], input: lines[..<cut].joined(separator: "\n")).status == 0)
        let key = directory.child("centre.pub")
        try attest.run(["key", store]).stdout.write(toFile: key, atomically: true, encoding: .utf8)
        let checkpoint = try attest.run(["checkpoint", store])
        #expect(checkpoint.status == 0)
        let kept = directory.child("visit-1.checkpoint")
        try checkpoint.stdout.write(toFile: kept, atomically: true, encoding: .utf8)
        let head = try attest.run(["head", store]).stdout

        let backup = directory.child("backups/2026-11-23")
        let backedUp = try attest.run(["backup", store, backup])
        #expect(backedUp.status == 0, "\(backedUp.stderr)")
        #expect(backedUp.stdout.contains("sequence     \(cut)\n"))
        #expect(backedUp.stdout.contains("checkpoints  1, signed by centre.example/42's key"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: backup).sorted() == ["centre.key", "data.mdb"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.child("backups")) == ["2026-11-23"])

        // The store goes on after the backup; the restore brings back the log as it was then.
        #expect(try attest.run(["append", store, "-", "--quiet"], input: lines[cut...].joined(separator: "\n")).status == 0)
        let restored = directory.child("clean/centre.store")
        let restoring = try attest.run(["restore", backup, restored])
        #expect(restoring.status == 0, "\(restoring.stderr)")
        #expect(restoring.stdout.contains("sequence     \(cut)\n"))
        #expect(try attest.run(["head", restored]).stdout == head)
        #expect(try attest.run(["verify", restored]).status == 0)

        let replayed = try replay.run([restored, "--key", key, "--since-checkpoint", kept])
        #expect(replayed.status == 0, "\(replayed.stdout)\(replayed.stderr)")
        #expect(replayed.stdout.contains("records      \(cut) checked"))

        let next = try attest.run(["checkpoint", restored])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stdout.hasPrefix("centre.example/42\n\(cut)\n"))
        #expect(next.stdout != checkpoint.stdout)
        try attest.run(["append", restored, "-", "--quiet"], input: lines[cut...].joined(separator: "\n"))
        #expect(try attest.run(["checkpoint", restored]).status == 0)
        let again = try replay.run([restored, "--key", key, "--since-checkpoint", kept, "--json"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect(report["records"] as? Int == lines.count)
        #expect(report["extends"] as? Int == cut)
        #expect(try attest.run(["checkpoints", restored]).stdout.split(separator: "\n").count == 3)
    }
}
