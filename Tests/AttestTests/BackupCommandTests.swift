import AttestTesting
import Foundation
import LMDB
import Testing

/// What `attest backup` and `attest restore` refuse, and that a refusal leaves nothing behind.
@Suite struct BackupCommandTests {
    let attest = Command("attest")
    let directory = TemporaryDirectory("backup")

    /// A store of two events with a signed checkpoint, and its backup.
    func backedUp(_ name: String = "centre") throws -> (store: String, backup: String) {
        let store = directory.child("\(name).store")
        #expect(try attest.run(["init", store]).status == 0)
        #expect(try attest.run(["append", store, "-"], input: CommandLineTests.lines.joined(separator: "\n")).status == 0)
        #expect(try attest.run(["checkpoint", store]).status == 0)
        let backup = directory.child("\(name).backup")
        let written = try attest.run(["backup", store, backup])
        #expect(written.status == 0, "\(written.stderr)")
        return (store, backup)
    }

    func contents(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    /// Refused with a message containing each of `phrases`; `target` left as it was.
    func expectRestoreRefused(_ backup: String, _ phrases: String...) throws {
        let target = directory.child("restored.store")
        let refused = try attest.run(["restore", backup, target])
        #expect(refused.status != 0)
        for phrase in phrases { #expect(refused.stderr.contains(phrase), "\(refused.stderr)") }
        #expect(refused.stderr.contains("nothing was restored"))
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try contents(directory.path).allSatisfy { !$0.contains(".partial-") })
    }

    @Test func aBackupGoesOnlyIntoANewOrEmptyDirectory() throws {
        let (store, _) = try backedUp()
        let occupied = directory.child("occupied")
        try FileManager.default.createDirectory(atPath: occupied, withIntermediateDirectories: true)
        try "kept".write(toFile: occupied + "/notes.txt", atomically: false, encoding: .utf8)
        let refused = try attest.run(["backup", store, occupied])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("\(occupied) exists and is not an empty directory"))
        #expect(try contents(occupied) == ["notes.txt"])
        #expect(try contents(directory.path).allSatisfy { !$0.contains(".partial-") })

        let empty = directory.child("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let written = try attest.run(["backup", store, empty])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(try contents(empty) == ["centre.key", "data.mdb"])
    }

    @Test func aBackupNamesTheFilesItLeftOut() throws {
        let (store, _) = try backedUp()
        try "a note".write(toFile: store + "/notes.txt", atomically: false, encoding: .utf8)
        let written = try attest.run(["backup", store, directory.child("second")])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.contains("files        centre.key ("))
        #expect(written.stdout.contains("left out     notes.txt (not part of the store)"))
        #expect(try contents(directory.child("second")) == ["centre.key", "data.mdb"])
    }

    @Test func aRestoreNeverOverwritesAStore() throws {
        let (store, backup) = try backedUp()
        let before = try Data(contentsOf: URL(fileURLWithPath: store + "/data.mdb"))
        let refused = try attest.run(["restore", backup, store])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("\(store) exists and is not an empty directory"))
        #expect(refused.stderr.contains("nothing was restored"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: store + "/data.mdb")) == before)
    }

    @Test func aRestoreRefusesABackupWhoseLogWasAltered() throws {
        let (_, backup) = try backedUp()
        let environment = try Environment(path: backup)
        let log = try environment.openDatabase("log")
        let key = withUnsafeBytes(of: UInt64(2).bigEndian, Array.init)
        try environment.write { txn in
            var bytes = try #require(try txn.get(log, key: key))
            bytes[bytes.count - 3] ^= 0x20
            try txn.put(log, key: key, value: bytes)
        }
        try expectRestoreRefused(backup, "the log of \(backup) does not verify: sequence 2")
    }

    @Test func aRestoreRefusesABackupWithoutTheKeyThatSignedItsCheckpoints() throws {
        let (_, backup) = try backedUp()
        let (_, other) = try backedUp("other")
        try FileManager.default.removeItem(atPath: backup + "/centre.key")
        try expectRestoreRefused(
            backup, "\(backup) keeps 1 signed checkpoint(s) but holds no centre.key", "copy the centre's key to \(backup)/centre.key")

        try FileManager.default.copyItem(atPath: other + "/centre.key", toPath: backup + "/centre.key")
        try expectRestoreRefused(backup, "the checkpoints of \(backup) do not match its key and log: checkpoint 1 is not signed by the key")
    }

    @Test func aRestoreRefusesADirectoryThatIsNotABackup() throws {
        let empty = directory.child("not-a-backup")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try expectRestoreRefused(empty, "\(empty) holds no data.mdb: it is not a backup of an Attest store")
        try "not LMDB".write(toFile: empty + "/data.mdb", atomically: false, encoding: .utf8)
        try expectRestoreRefused(empty, "\(empty)/data.mdb cannot be read as an LMDB environment")
    }

    /// The key store is backed up on its own (docs/operations.md, Data protection): a
    /// restored store shows personal data once that backup is put back.
    @Test func aRestoredStoreShowsPersonalDataOnceItsKeyBackupIsPutBack() throws {
        let store = directory.child("sealed.store")
        #expect(try attest.run(["init", store]).status == 0)
        #expect(try attest.run(["append", store, "-", "--quiet"], input: try attest.run(["generate", "--learners", "3", "--seed", "1"]).stdout).status == 0)
        let backup = directory.child("sealed.backup"), keys = directory.child("keys.backup")
        #expect(try attest.run(["backup", store, backup]).status == 0)
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: false)
        #expect(try Command(absolute: "/usr/bin/mdb_copy").run(["-c", store + "/keys", keys]).status == 0)

        let restored = directory.child("restored.store")
        let run = try attest.run(["restore", backup, restored])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("the learners' data keys are not in a backup"))
        #expect(!(try attest.run(["transcript", restored, "L000001", "--json"]).stdout.contains("givenName")))

        try FileManager.default.createDirectory(atPath: restored + "/keys", withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try FileManager.default.copyItem(atPath: keys + "/data.mdb", toPath: restored + "/keys/data.mdb")
        #expect(try attest.run(["transcript", restored, "L000001", "--json"]).stdout.contains("givenName"))
    }
}
