import AttestTesting
import Foundation
import LMDB
import Testing

@Suite struct EnvironmentTests {
    let directory = TemporaryDirectory("lmdb")

    func open(mapSize: Int = 1 << 20) throws -> (Environment, Database) {
        var options = EnvironmentOptions()
        options.mapSize = mapSize
        let environment = try Environment(path: directory.path, options: options)
        return (environment, try environment.openDatabase("things", create: true))
    }

    @Test func writeCommitsWhenItsClosureReturns() throws {
        let (environment, things) = try open()
        try environment.write { try $0.put(things, key: [1], value: Array("one".utf8)) }
        #expect(try environment.read { try $0.get(things, key: [1]) } == Array("one".utf8))
    }

    @Test func writeAbortsWhenItsClosureThrows() throws {
        struct Refused: Error {}
        let (environment, things) = try open()
        #expect(throws: Refused.self) {
            try environment.write { txn in
                try txn.put(things, key: [1], value: [1])
                throw Refused()
            }
        }
        #expect(try environment.read { try $0.get(things, key: [1]) } == nil)
    }

    @Test func aNestedWriteThatThrowsLeavesItsParentAsItWas() throws {
        struct Refused: Error {}
        let (environment, things) = try open()
        try environment.write { txn in
            try txn.put(things, key: [1], value: [1])
            try txn.nested { try $0.put(things, key: [2], value: [2]) }
            #expect(throws: Refused.self) {
                try txn.nested { child in
                    try child.put(things, key: [3], value: [3])
                    try child.put(things, key: [1], value: [9])
                    throw Refused()
                }
            }
        }
        let read = try environment.read { txn in try (1...3).map { try txn.get(things, key: [UInt8($0)]) } }
        #expect(read == [[1], [2], nil])
    }

    @Test func aTextKeyIsItsUTF8Bytes() throws {
        let (environment, things) = try open()
        // A short string is stored inside the String itself, a longer one on the heap.
        let texts = ["evidence/EV-1", "learner/1000000093 — Zoë’s record, kept under a long key"]
        try environment.write { txn in
            for (index, text) in texts.enumerated() { try txn.put(things, key: TextKey(text), value: [UInt8(index)]) }
        }
        let read = try environment.read { txn in
            try texts.map { [try txn.get(things, key: Array($0.utf8)), try txn.get(things, key: TextKey($0))] }
        }
        #expect(read == [[[0], [0]], [[1], [1]]])
    }

    @Test func aWriteSeesItsOwnPuts() throws {
        let (environment, things) = try open()
        let seen = try environment.write { txn in
            try txn.put(things, key: [7], value: [42])
            return try txn.get(things, key: [7])
        }
        #expect(seen == [42])
    }

    @Test func theMapGrowsWhenFullAndTheWriteIsRetried() throws {
        let (environment, things) = try open(mapSize: 256 << 10)
        let before = environment.mapSize
        let value = [UInt8](repeating: 0xAB, count: 4000)
        try environment.write { txn in
            for i in 0..<1000 { try txn.put(things, key: withUnsafeBytes(of: UInt32(i).bigEndian, Array.init), value: value) }
        }
        #expect(environment.mapSize > before)
        #expect(try environment.read { try $0.count(things) } == 1000)
    }

    @Test func errorsCarryLMDBsCodeAndMessage() throws {
        let (environment, things) = try open()
        try environment.write { try $0.put(things, key: [1], value: [1]) }
        do {
            try environment.write { try $0.put(things, key: [1], value: [2], flags: .noOverwrite) }
            Issue.record("a second put with noOverwrite was accepted")
        } catch LMDBError.keyExists {
            #expect(LMDBError.keyExists.message.contains("MDB_KEYEXIST"))
        }
        #expect(throws: LMDBError.badValueSize) {
            try environment.write { try $0.put(things, key: [UInt8](repeating: 1, count: 600), value: [1]) }
        }
    }

    @Test func appendRefusesAKeyThatDoesNotSortLast() throws {
        let (environment, things) = try open()
        try environment.write { try $0.put(things, key: [5], value: [1], flags: .append) }
        #expect(throws: LMDBError.keyExists) {
            try environment.write { try $0.put(things, key: [4], value: [1], flags: .append) }
        }
    }

    @Test func cursorsWalkAndSeekInKeyOrder() throws {
        let (environment, things) = try open()
        try environment.write { txn in
            for key: UInt8 in [30, 10, 20] { try txn.put(things, key: [key], value: [key / 10]) }
        }
        let walked = try environment.read { txn in
            try txn.withCursor(things) { cursor in
                var keys: [UInt8] = []
                var entry = try cursor.first()
                while let (key, _) = entry {
                    keys.append(key[0])
                    entry = try cursor.next()
                }
                return keys
            }
        }
        #expect(walked == [10, 20, 30])
        let sought = try environment.read { txn in
            try txn.withCursor(things) { cursor -> [UInt8]? in
                guard let entry = try cursor.seek(atLeast: [15]) else { return nil }
                return [entry.key[0], entry.value[0]]
            }
        }
        #expect(sought == [20, 2])
        let last = try environment.read { txn in try txn.withCursor(things) { try $0.last()?.key.first } }
        #expect(last == 30)
    }

    @Test func writeCursorsPutAppendAndFillReservedValues() throws {
        let (environment, things) = try open()
        try environment.write { txn in
            try txn.withWriteCursor(things) { cursor in
                for key: UInt8 in [10, 20, 30] { try cursor.put(key: [key], value: [key / 10], flags: .append) }
                try cursor.put(key: [15], value: [9])
                let filled = try cursor.put(key: [40], reserving: 3, flags: .append) { space in
                    space.copyBytes(from: [4, 4, 4])
                    return space.count
                }
                #expect(filled == 3)
                #expect(throws: LMDBError.keyExists) { try cursor.put(key: [35], value: [1], flags: .append) }
                #expect(throws: LMDBError.keyExists) { try cursor.put(key: [15], value: [1], flags: .noOverwrite) }
            }
        }
        let entries = try environment.read { txn in
            try txn.withReader { try $0.entries(things, prefix: []) }
        }
        #expect(entries.map(\.key) == [[10], [15], [20], [30], [40]])
        #expect(entries.map(\.value) == [[1], [9], [2], [3], [4, 4, 4]])
    }

    @Test func aMissingNamedDatabaseIsNotFoundWithoutCreate() throws {
        let (environment, _) = try open()
        #expect(throws: LMDBError.notFound) { try environment.openDatabase("absent") }
    }

    @Test func deleteAndClearRemoveEntries() throws {
        let (environment, things) = try open()
        try environment.write { txn in
            for key: UInt8 in 1...3 { try txn.put(things, key: [key], value: [key]) }
            #expect(try txn.delete(things, key: [2]))
            #expect(try !txn.delete(things, key: [2]))
        }
        #expect(try environment.read { try $0.count(things) } == 2)
        try environment.write { try $0.clear(things) }
        #expect(try environment.read { try $0.count(things) } == 0)
    }
}
