import AttestTesting
import Foundation
import LMDB
import Testing

/// A damaged `data.mdb` is reported as `StoreDamage`, before LMDB reads what is not there.
@Suite struct StoreDamageTests {
    let directory = TemporaryDirectory("damage")
    var dataFile: String { directory.path + "/data.mdb" }

    /// An environment of one database written in one transaction: small entries over
    /// several levels of branch pages, and values long enough for overflow runs.
    func write() throws {
        let environment = try Environment(path: directory.path)
        let things = try environment.openDatabase("things", create: true)
        try environment.write { txn in
            for index in 0..<3_000 {
                let value = [UInt8](repeating: UInt8(index % 251), count: index % 100 == 0 ? 9_000 : 100)
                try txn.put(things, key: withUnsafeBytes(of: UInt32(index).bigEndian, Array.init), value: value)
            }
        }
    }

    func fileSize() throws -> Int {
        try FileManager.default.attributesOfItem(atPath: dataFile)[.size] as! Int
    }

    func overwrite(page: Int, with bytes: Data) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dataFile))
        try handle.seek(toOffset: UInt64(page * 4096))
        try handle.write(contentsOf: bytes)
        try handle.close()
    }

    /// A branch or leaf page from the middle of the file on (overflow runs have a header on
    /// their first page only).
    func treePage() throws -> Int {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dataFile))
        let pages = bytes.count / 4096
        let page = (pages / 2..<pages).first { page in
            let header = bytes[page * 4096..<page * 4096 + 12]
            let number = header.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
            return number == page && [1, 2].contains(header[page * 4096 + 10])
        }
        return try #require(page)
    }

    func checking() -> EnvironmentOptions {
        var options = EnvironmentOptions()
        options.checkPages = true
        return options
    }

    @Test func aTruncatedDataFileIsRefusedWithItsExpectedAndActualSizes() throws {
        try write()
        let size = try fileSize()
        try FileHandle(forWritingTo: URL(fileURLWithPath: dataFile)).truncate(atOffset: 8192)
        #expect(throws: StoreDamage(store: directory.path, kind: .truncated(expectedBytes: size, actualBytes: 8192))) {
            try Environment(path: directory.path)
        }
        var readOnly = EnvironmentOptions()
        readOnly.readOnly = true
        #expect(throws: StoreDamage(store: directory.path, kind: .truncated(expectedBytes: size, actualBytes: 8192))) {
            try Environment(path: directory.path, options: readOnly)
        }
    }

    @Test func everyPageOfAnUndamagedEnvironmentPassesTheCheck() throws {
        try write()
        let environment = try Environment(path: directory.path, options: checking())
        let things = try environment.openDatabase("things")
        #expect(try environment.read { try $0.count(things) } == 3_000)
    }

    @Test func aZeroedPageIsNamedWithItsDatabase() throws {
        try write()
        let page = try treePage()
        try overwrite(page: page, with: Data(count: 4096))
        let damage = try #require(throws: StoreDamage.self) { try Environment(path: self.directory.path, options: self.checking()) }
        #expect(damage.kind == .page(number: UInt64(page), database: "things", problem: "its header gives page number 0"))
        #expect(damage.description.contains("the store \(directory.path) is damaged"))
    }

    @Test func aPageOfTheWrongKindIsNamed() throws {
        try write()
        let page = try treePage()
        // The page keeps its number but claims to be a meta page.
        let number = withUnsafeBytes(of: UInt64(page).littleEndian) { Data($0) }
        try overwrite(page: page, with: number + Data([0, 0, 0x08, 0]))
        let damage = try #require(throws: StoreDamage.self) { try Environment(path: self.directory.path, options: self.checking()) }
        guard case let .page(number, database, problem) = damage.kind else {
            Issue.record("not a damaged page: \(damage)")
            return
        }
        #expect(number == UInt64(page))
        #expect(database == "things")
        #expect(problem.hasPrefix("its flags are 0x8 where a"))
    }

    @Test func aFileWithoutMetaPagesIsNamed() throws {
        try write()
        try FileHandle(forWritingTo: URL(fileURLWithPath: dataFile)).truncate(atOffset: 100)
        #expect(throws: StoreDamage(store: directory.path, kind: .unreadableMeta)) { try Environment(path: self.directory.path) }
    }
}
