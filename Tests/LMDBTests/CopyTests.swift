import AttestTesting
import Foundation
import LMDB
import Testing

@Suite struct CopyTests {
    let directory = TemporaryDirectory("lmdb-copy")

    func size(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
    }

    @Test func aCompactedCopyHoldsTheSameEntriesInFewerPagesAndIsOwnerOnly() throws {
        let original = directory.child("original"), copy = directory.child("copy")
        for path in [original, copy] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        let environment = try Environment(path: original)
        let things = try environment.openDatabase("things", create: true)
        let value = [UInt8](repeating: 7, count: 1_000)
        try environment.write { txn in
            for key in 0..<2_000 { try txn.put(things, key: withUnsafeBytes(of: UInt32(key).bigEndian, Array.init), value: value) }
        }
        // Deleting most entries frees pages that only a compacting copy leaves out.
        try environment.write { txn in
            for key in 100..<2_000 { _ = try txn.delete(things, key: withUnsafeBytes(of: UInt32(key).bigEndian, Array.init)) }
        }
        try environment.copy(to: copy, compacting: true)

        #expect(try FileManager.default.contentsOfDirectory(atPath: copy) == ["data.mdb"])
        let mode = try FileManager.default.attributesOfItem(atPath: copy + "/data.mdb")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try size(copy + "/data.mdb") * 4 < size(original + "/data.mdb"))
        let copied = try Environment(path: copy)
        let copiedThings = try copied.openDatabase("things")
        let entries = try copied.read { txn in try txn.withReader { try $0.entries(copiedThings, prefix: []) } }
        #expect(entries.count == 100)
        #expect(entries.allSatisfy { $0.value == value })
    }

    @Test func aCopyRefusesADirectoryThatAlreadyHoldsAnEnvironment() throws {
        let environment = try Environment(path: directory.path)
        #expect(throws: LMDBError.self) { try environment.copy(to: directory.path) }
    }
}
