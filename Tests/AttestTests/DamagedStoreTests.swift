import AttestTesting
import Foundation
import Testing

/// A damaged `data.mdb` is named, with what to do, by every command: never a signal.
@Suite struct DamagedStoreTests {
    let attest = Command("attest")
    let replay = Command("attest-replay")
    let directory = TemporaryDirectory("damage")
    var store: String { directory.child("centre.store") }

    /// A store of a small generated centre, compacted so that every page after the two
    /// meta pages is in use.
    func makeStore() throws {
        let generated = directory.child("generated.store")
        #expect(try attest.run(["init", generated]).status == 0)
        let lines = try attest.run(["generate", "--learners", "20", "--seed", "1"]).stdout
        #expect(try attest.run(["append", generated, "-", "--quiet"], input: lines).status == 0)
        #expect(try attest.run(["checkpoint", generated]).status == 0)
        try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: false)
        #expect(try Command(absolute: "/usr/bin/mdb_copy").run(["-c", generated, store]).status == 0)
        try FileManager.default.copyItem(atPath: generated + "/centre.key", toPath: store + "/centre.key")
    }

    var dataFile: String { store + "/data.mdb" }

    func dataFileSize() throws -> Int {
        try FileManager.default.attributesOfItem(atPath: dataFile)[.size] as! Int
    }

    func truncate(to size: Int) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dataFile))
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
    }

    func zero(page: Int) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dataFile))
        try handle.seek(toOffset: UInt64(page * 4096))
        try handle.write(contentsOf: Data(count: 4096))
        try handle.close()
    }

    @Test func aTruncatedDataFileIsNamedByEveryCommandWithItsSizes() throws {
        try makeStore()
        let size = try dataFileSize()
        try truncate(to: 8192)
        let runs = [
            ("verify", try attest.run(["verify", store])),
            ("head", try attest.run(["head", store])),
            ("append", try attest.run(["append", store, "-"], input: "")),
            ("log", try attest.run(["log", store])),
            ("attest-replay", try replay.run([store])),
        ]
        for (command, run) in runs {
            #expect([1, 2].contains(run.status), "\(command) exited \(run.status)")
            #expect(run.stderr.contains("the store \(store) is damaged"), "\(command): \(run.stderr)")
            #expect(run.stderr.contains("data.mdb is truncated: it holds 8192 bytes but its last commit uses \(size)"), "\(command): \(run.stderr)")
            #expect(run.stderr.contains("attest restore"), "\(command): \(run.stderr)")
        }
    }

    @Test func aDataFileWithoutItsMetaPagesIsNamed() throws {
        try makeStore()
        try truncate(to: 100)
        let run = try attest.run(["head", store])
        #expect(run.status == 1)
        #expect(run.stderr.contains("data.mdb has no readable LMDB meta pages"))
    }

    @Test func anEmptiedDataFileIsNotTakenForANewStore() throws {
        try makeStore()
        try truncate(to: 0)
        let run = try attest.run(["append", store, "-"], input: "")
        #expect(run.status == 1)
        #expect(run.stderr.contains("data.mdb is truncated: it holds 0 bytes"))
        #expect(try dataFileSize() == 0)
    }

    @Test func verifyNamesAZeroedPageAndExitsOne() throws {
        try makeStore()
        try zero(page: 100)
        let run = try attest.run(["verify", store])
        #expect(run.status == 1)
        #expect(run.stderr.contains("the store \(store) is damaged: page 100 of data.mdb (database "))
        #expect(run.stderr.contains("its header gives page number 0"))
        #expect(run.stderr.contains("attest-replay"))
        let json = try attest.run(["verify", store, "--json"])
        #expect(json.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["verified"] as? Bool == false)
    }

    @Test func everyPageOfAnUndamagedStoreIsAccepted() throws {
        try makeStore()
        let run = try attest.run(["verify", store])
        #expect(run.status == 0, "\(run.stderr)")
    }

    @Test func aCorruptPageMetOutsideVerifyEndsWithTheStoresNameNotASignal() throws {
        try makeStore()
        let pristine = try Data(contentsOf: URL(fileURLWithPath: dataFile))
        let pages = pristine.count / 4096
        // A page of the log, as verify names it: reading the whole log meets it.
        var logPage: Int?
        for page in stride(from: pages / 10, to: pages, by: pages / 10) where logPage == nil {
            try pristine.write(to: URL(fileURLWithPath: dataFile))
            try zero(page: page)
            if try attest.run(["verify", store]).stderr.contains("page \(page) of data.mdb (database log)") { logPage = page }
        }
        try #require(logPage != nil)
        let run = try attest.run(["log", store])
        #expect(run.status == 1, "exited \(run.status): \(run.stderr)")
        #expect(run.stderr.contains("attest: the store \(store) is damaged: LMDB found a corrupt page in data.mdb"), "\(run.stderr)")
        #expect(run.stderr.contains("attest restore"))
    }

    @Test func aCorruptRootIsNamedByTheCommandsThatMeetIt() throws {
        try makeStore()
        let pages = try dataFileSize() / 4096
        for page in 2..<pages { try zero(page: page) }
        for arguments in [["head", store], ["log", store]] {
            let run = try attest.run(arguments)
            #expect(run.status == 1, "\(arguments[0]) exited \(run.status): \(run.stderr)")
            #expect(run.stderr.contains("the store \(store) is damaged: LMDB found a corrupt page"), "\(run.stderr)")
        }
    }
}
