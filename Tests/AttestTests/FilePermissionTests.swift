import AttestTesting
import Foundation
import Testing

/// Stores, backups and bundles are open to their owner only unless asked otherwise: the log
/// holds learners' records, and the key signs for the centre.
@Suite struct FilePermissionTests {
    let attest = Command("attest")
    let directory = TemporaryDirectory("permissions")

    /// The permission bits of `path`, from stat(2).
    func mode(_ path: String) throws -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
        return Int(info.st_mode & 0o777)
    }

    /// The modes of a directory and of each file in it, by name.
    func modes(_ path: String) throws -> [String: Int] {
        var modes = [".": try mode(path)]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) { modes[name] = try mode(path + "/" + name) }
        return modes
    }

    func checkpointedStore() throws -> String {
        let store = directory.child("centre.store")
        #expect(try attest.run(["init", store]).status == 0)
        #expect(try attest.run(["append", store, "-"], input: CommandLineTests.lines.joined(separator: "\n")).status == 0)
        #expect(try attest.run(["checkpoint", store]).status == 0)
        return store
    }

    @Test func aNewStoreIsOpenToItsOwnerOnly() throws {
        let store = try checkpointedStore()
        #expect(try modes(store) == [".": 0o700, "data.mdb": 0o600, "lock.mdb": 0o600, "centre.key": 0o600])
    }

    @Test func backupsAndRestoredStoresAreOpenToTheirOwnerOnly() throws {
        let store = try checkpointedStore()
        let backup = directory.child("backup")
        #expect(try attest.run(["backup", store, backup]).status == 0)
        #expect(try modes(backup) == [".": 0o700, "data.mdb": 0o600, "centre.key": 0o600])
        let restored = directory.child("restored.store")
        #expect(try attest.run(["restore", backup, restored]).status == 0)
        #expect(try modes(restored) == [".": 0o700, "data.mdb": 0o600, "centre.key": 0o600])
        #expect(try attest.run(["verify", restored]).status == 0)
        #expect(try mode(restored + "/lock.mdb") == 0o600)
    }

    @Test func bundlesAreReadableByTheirOwnerOnlyUnlessShared() throws {
        let store = try checkpointedStore()
        let files = ["bundle.json", "records", "checkpoint", "key", "reports"]
        let owner = directory.child("bundle")
        #expect(try attest.run(["export", store, owner]).status == 0)
        #expect(try modes(owner) == Dictionary(uniqueKeysWithValues: [(".", 0o700)] + files.map { ($0, 0o600) }))

        let shared = directory.child("shared")
        let exported = try attest.run(["export", store, shared, "--shared"])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(try modes(shared) == Dictionary(uniqueKeysWithValues: [(".", 0o755)] + files.map { ($0, 0o644) }))
    }
}
