import Assessment
import AttestTesting
import Bundles
import Centre
import Checkpoints
import EventLog
import Foundation
import LMDB
import Merkle
import Projections
import Replay
import Simulation
import Testing

/// A generated centre in a temporary store, with its signing key and a signed checkpoint
/// of the whole log, and ways to tamper with copies of it.
final class ReplayFixture: @unchecked Sendable {
    let directory = TemporaryDirectory("replay")
    let key: SigningKey
    let checkpoint: SignedCheckpoint
    var store: String { directory.child("centre.store") }

    init(learners: Int = 12, seed: UInt64 = 5) throws {
        let centre = try CentreStore.create(at: directory.child("centre.store"), projections: CentreStore.reports)
        var lines: [String] = []
        try CentreGenerator(learners: learners, seed: seed, specification: Qualifications.customerServiceLevel2).generate { lines.append($0) }
        try centre.append(lines: lines, batchSize: 500) { _, _ in }
        key = try SigningKey(generatingFor: "centre.test")
        try key.write(to: SigningKey.path(inStore: directory.child("centre.store")))
        checkpoint = try CheckpointLog(log: centre.log, create: true).record(signedBy: key)
    }

    /// The options of an EQA holding the centre's key.
    var options: ReplayOptions {
        var options = ReplayOptions()
        options.key = key.verifierKey
        return options
    }

    /// A copy of the store directory (the files LMDB left committed).
    func copy(_ name: String) throws -> String {
        let path = directory.child(name)
        try FileManager.default.copyItem(atPath: store, toPath: path)
        return path
    }

    /// A whole-store bundle of the centre.
    func bundle(_ name: String = "bundle") throws -> String {
        let path = directory.child(name)
        _ = try CentreStore(openingAt: store, projections: CentreStore.reports).exportBundle(to: path, key: key.verifierKey)
        return path
    }

    /// A one-learner bundle of learner `learner`.
    func learnerBundle(_ name: String, learner: String = "L000003") throws -> String {
        let path = directory.child(name)
        _ = try CentreStore(openingAt: store, projections: CentreStore.reports).exportBundle(to: path, learner: learner, key: key.verifierKey)
        return path
    }

    /// The centre's verifier key in a file, as an EQA keeps it.
    func keyFile() throws -> String {
        let path = directory.child("centre.pub")
        try (key.verifierKey.description + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    // MARK: Tampering with a store copy, below the library, as someone with the files would

    /// Calls `body` with the copy's raw `log` database.
    static func withLog(_ path: String, _ body: (Environment, Database) throws -> Void) throws {
        let environment = try Environment(path: path)
        try body(environment, environment.openDatabase("log"))
    }

    /// The index of the last byte of a record's payload: just before its previous_hash
    /// field (`6a 20` and 32 bytes).
    static func payloadEnd(_ bytes: [UInt8]) throws -> Int {
        let field = [0x6A, 0x20] + [UInt8](try Record(serializedBytes: bytes).previousHash)
        let start = try #require((0...(bytes.count - field.count)).first { Array(bytes[$0..<$0 + field.count]) == field })
        return start - 1
    }

    static func key(_ sequence: UInt64) -> [UInt8] { withUnsafeBytes(of: sequence.bigEndian, Array.init) }

    static func records(_ path: String) throws -> [[UInt8]] {
        var records: [[UInt8]] = []
        try withLog(path) { environment, log in
            try environment.read { txn in
                try txn.withCursor(log) { cursor in
                    var entry = try cursor.first()
                    while let (_, value) = entry {
                        records.append(Array(value))
                        entry = try cursor.next()
                    }
                }
            }
        }
        return records
    }

    /// Replaces the copy's whole log with `records` at keys 1, 2, … (meta is left as it was).
    static func rewriteLog(_ path: String, _ records: [[UInt8]]) throws {
        try withLog(path) { environment, log in
            try environment.write { txn in
                try txn.clear(log)
                for (index, bytes) in records.enumerated() { try txn.put(log, key: key(UInt64(index + 1)), value: bytes) }
            }
        }
    }

    /// Rewrites the copy's history from `sequence` on with a fresh, self-consistent chain
    /// (after `edit` changes record `sequence`), moves the head and Merkle edge to match, and
    /// signs a new checkpoint with the centre's key: what a centre rewriting its past could do.
    func forge(_ path: String, from sequence: UInt64, edit: (inout Record) -> Void) throws {
        var records = try Self.records(path)
        var previous = ChainHash.genesis
        var edge = CompactRange()
        for index in records.indices {
            if index + 1 >= sequence {
                var record = try Record(serializedBytes: records[index])
                if index + 1 == sequence { edit(&record) }
                record.previousHash = Data(previous.bytes)
                records[index] = try record.serializedBytes()
            }
            previous = TreeHash.leaf(records[index])
            edge.append(previous)
        }
        try Self.rewriteLog(path, records)
        let last = try Record(serializedBytes: records[records.count - 1])
        let environment = try Environment(path: path)
        let meta = try environment.openDatabase("meta")
        try environment.write { txn in
            let head = Self.key(UInt64(records.count)) + previous.bytes + Self.key(UInt64(bitPattern: last.recordedAtMicros))
            try txn.put(meta, key: Array("head".utf8), value: head)
            try txn.put(meta, key: Array("merkle-edge".utf8), value: edge.encoded)
        }
    }

    /// Signs a new checkpoint of the copy with the centre's key.
    func signCheckpoint(_ path: String) throws -> SignedCheckpoint {
        try CheckpointLog(log: EventLog(openingAt: path), create: true).record(signedBy: key)
    }

    // MARK: Tampering with a bundle's files

    static func bundleRecords(_ bundle: String) throws -> [[UInt8]] {
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: bundle + "/records")))
        var records: [[UInt8]] = []
        var offset = 0
        while offset < data.count {
            let length = data[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            records.append(Array(data[offset + 4..<offset + 4 + length]))
            offset += 4 + length
        }
        return records
    }

    /// The records of a learner bundle and its proofs lines, in order.
    static func contents(_ bundle: String) throws -> (records: [[UInt8]], proofs: [String]) {
        let proofs = try String(contentsOfFile: bundle + "/proofs", encoding: .utf8).split(separator: "\n").map(String.init)
        return (try bundleRecords(bundle), proofs)
    }

    /// Rewrites a learner bundle without its record at `index`, as a dishonest centre
    /// would hand it over: records, proofs and the manifest's count all agree.
    /// - Returns: the sequence of the record withheld.
    @discardableResult
    static func withhold(_ bundle: String, at index: Int) throws -> UInt64 {
        var (records, proofs) = try contents(bundle)
        let sequence = try Record(serializedBytes: records[index]).sequence
        records.remove(at: index)
        proofs.remove(at: index)
        try writeBundleRecords(bundle, records)
        try (proofs.joined(separator: "\n") + "\n").write(toFile: bundle + "/proofs", atomically: true, encoding: .utf8)
        let manifest = bundle + "/bundle.json"
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifest))) as? [String: Any])
        object["records"] = records.count
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: manifest))
        return sequence
    }

    static func writeBundleRecords(_ bundle: String, _ records: [[UInt8]], trailing: [UInt8] = []) throws {
        let bytes = records.flatMap { withUnsafeBytes(of: UInt32($0.count).bigEndian, Array.init) + $0 } + trailing
        try Data(bytes).write(to: URL(fileURLWithPath: bundle + "/records"))
    }
}
