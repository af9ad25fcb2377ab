import AttestTesting
import EventLog
import Foundation
import LMDB
import Testing

/// The store under crashes, concurrent writers and a million records.
@Suite(.serialized) struct DurabilityTests {
    let attest = Command("attest")
    let load = Command("attest-bench")
    let directory = TemporaryDirectory("durability")
    var store: String { directory.child("centre.store") }

    /// Counts the records of each stream.
    func streamSizes() throws -> [String: Int] {
        var sizes: [String: Int] = [:]
        try EventLog(openingAt: store).read { sizes[$0.record.streamID, default: 0] += 1; return true }
        return sizes
    }

    @Test func aMillionEventsVerifyAndAnyAlteredRecordIsNamed() throws {
        do {
            let log = try EventLog.create(at: store)
            for batch in 0..<100 {
                try log.append(SampleEvents.notes(10_000, streams: 1_000, prefix: "learner-\(batch)", payloadBytes: 280))
            }
        }
        let clean = try attest.run(["verify", store, "--json"])
        #expect(clean.status == 0)
        #expect(clean.stdout.contains(#""records":1000000"#))

        for (sequence, offset) in [(UInt64(123_457), 40), (999_999, -3)] {
            let original = try rewrite(sequence) { bytes in
                bytes[offset >= 0 ? offset : bytes.count + offset] ^= 0x20
            }
            let tampered = try attest.run(["verify", store])
            #expect(tampered.status == 1)
            #expect(tampered.stderr.contains("verification failed at sequence \(sequence):"))
            try rewrite(sequence) { $0 = original }
        }
        #expect(try attest.run(["verify", store]).status == 0)
    }

    /// Replaces record `sequence`'s stored bytes; returns what they were.
    @discardableResult
    func rewrite(_ sequence: UInt64, _ change: (inout [UInt8]) -> Void) throws -> [UInt8] {
        let environment = try Environment(path: store)
        let records = try environment.openDatabase("log")
        let key = withUnsafeBytes(of: sequence.bigEndian, Array.init)
        return try environment.write { txn in
            let original = try #require(try txn.get(records, key: key))
            var bytes = original
            change(&bytes)
            try txn.put(records, key: key, value: bytes)
            return original
        }
    }

    /// `attest-bench kills`, the durability run, at 20 kills: its checks pass, and the
    /// store it leaves holds exactly the whole batches it counted and nothing else.
    @Test func killedWritersLoseNoAcknowledgedBatchAndLeaveNoPartOfOne() throws {
        let batchSize = 10
        let run = try load.run(["kills", "--kills", "20", "--batch-size", "\(batchSize)", "--max-delay", "400", "--store", store])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        var figures: [String: Int] = [:]
        for line in run.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let value = Int(fields[1]) { figures[String(fields[0])] = value }
        }
        #expect(figures["kills"] == 20)
        #expect(figures["lost"] == 0)
        #expect(figures["partial"] == 0)
        let acknowledged = try #require(figures["acknowledged"]), unreported = try #require(figures["unreported"])
        #expect(acknowledged > 0, "the writer was always killed before it acknowledged a batch")
        let sizes = try streamSizes()
        #expect(sizes.count == acknowledged + unreported)
        for (stream, size) in sizes {
            #expect(size == batchSize, "stream \(stream) holds part of a batch: \(size) events")
        }
        #expect(try attest.run(["verify", store]).status == 0)
    }

    @Test func twoProcessesAppendingAtOnceLoseAndDuplicateNothing() throws {
        try attest.run(["init", store])
        let writers = try ["a", "b"].map { prefix in
            try load.start(["load", store, "--prefix", prefix, "--batches", "1000", "--batch-size", "20"]) { _ in }
        }
        for writer in writers { #expect(writer.wait() == 0) }
        let sizes = try streamSizes()
        #expect(sizes.count == 2_000)
        #expect(sizes.values.allSatisfy { $0 == 20 })
        var sequences: [UInt64] = []
        var writerChanges = 0
        var lastWriter: Character?
        try EventLog(openingAt: store).read { entry in
            sequences.append(entry.record.sequence)
            let writer = entry.record.streamID.first
            if writer != lastWriter { writerChanges += 1 }
            lastWriter = writer
            return true
        }
        #expect(sequences == Array(1...40_000))
        #expect(writerChanges > 2, "the two writers never overlapped")
        #expect(try attest.run(["verify", store]).status == 0)
    }

    @Test func lmdbsOwnToolsReadTheStore() throws {
        try attest.run(["init", store])
        try attest.run(["append", store, "-"], input: CommandLineTests.lines.joined(separator: "\n"))
        let stat = try Command(absolute: "/usr/bin/mdb_stat").run(["-a", store])
        #expect(stat.status == 0)
        for database in ["log", "streams", "event-ids", "meta"] {
            #expect(stat.stdout.contains("Status of \(database)"))
        }
        let dump = try Command(absolute: "/usr/bin/mdb_dump").run(["-s", "log", store])
        #expect(dump.status == 0)
        // Two records: a header, then a key line and a value line each, between HEADER=END and DATA=END.
        let body = dump.stdout.components(separatedBy: "HEADER=END\n")[1].components(separatedBy: "DATA=END")[0]
        let lines = body.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].trimmingCharacters(in: .whitespaces) == "0000000000000001")
    }
}

/// The generated 10,000-learner centre through the command line.
@Suite struct GeneratedCentreTests {
    let attest = Command("attest")
    let directory = TemporaryDirectory("generated")

    @Test func tenThousandLearnersAppendWithNoRefusalAndVerify() throws {
        let store = directory.child("centre.store")
        let file = directory.child("centre.ndjson")
        let generated = try attest.run(["generate", "--learners", "10000", "--seed", "1"])
        #expect(generated.status == 0)
        try generated.stdout.write(toFile: file, atomically: false, encoding: .utf8)
        let lines = generated.stdout.split(separator: "\n").count
        try attest.run(["init", store])
        let appended = try attest.run(["append", store, file, "--batch-size", "1000", "--quiet"])
        #expect(appended.status == 0, "\(appended.stderr)")
        #expect(appended.stdout == "appended \(lines) events\n")
        let verified = try attest.run(["verify", store, "--json"])
        #expect(verified.status == 0)
        #expect(verified.stdout.contains(#""records":\#(lines)"#))
    }
}
