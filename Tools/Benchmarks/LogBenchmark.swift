import ArgumentParser
import EventLog
import Foundation
import LMDB
import Merkle

/// Append and verify throughput of the event log beside raw LMDB doing the least
/// the same work needs: puts of the same record bytes, and cursor reads plus SHA-256.
struct LogBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Measure append and verify throughput beside raw LMDB puts and reads."
    )

    @Option(help: "Events per run.")
    var events = 1_000_000

    @Option(help: "Events per batch (one write transaction each).")
    var batchSize = 1_000

    @Option(help: "Payload size in bytes.")
    var payloadBytes = 300

    @Option(help: "Runs; the figures are medians.")
    var runs = 3

    @Option(help: "Batches appended, then put raw, in each turn: the disk's speed drifts, so the appends and the raw puts take turns.")
    var batchesPerTurn = 50

    @Option(help: "Directory for the scratch stores (removed afterwards).")
    var directory = NSTemporaryDirectory()

    func run() throws {
        let workload = Workload(payloadBytes: payloadBytes)
        let batches = (0..<events / batchSize).map { workload.batch(stream: "stream-\($0)", count: batchSize) }
        var figures: [String: [Double]] = [:]
        for run in 1...runs {
            let root = URL(fileURLWithPath: directory).appendingPathComponent("attest-bench-\(getpid())-\(run)").path
            defer { try? FileManager.default.removeItem(atPath: root) }
            let log = try EventLog.create(at: root + "/log")
            let raw = try RawStore(path: root + "/raw")
            let indexed = try RawStore(path: root + "/raw-indexed")
            var seconds: [String: Double] = [:]
            for turn in stride(from: 0, to: batches.count, by: batchesPerTurn) {
                let next = try log.head().sequence + 1
                seconds["append", default: 0] += try time {
                    for batch in batches[turn..<min(turn + batchesPerTurn, batches.count)] { try log.append(batch) }
                }
                let records = try storedRecords(log, from: next)
                seconds["raw put", default: 0] += try time { try raw.put(records, batchSize: batchSize) }
                seconds["raw put+indexes", default: 0] += try time { try indexed.putWithIndexes(records, batchSize: batchSize) }
            }
            for (name, elapsed) in seconds { figures[name, default: []].append(Double(events) / elapsed) }
            figures["verify", default: []].append(try measure(events) { _ = try log.verify() })
            figures["raw read+hash", default: []].append(try measure(events) { try raw.readAndHash() })
            print("run \(run): " + figures.keys.sorted().map { "\($0) \(Int(figures[$0]!.last!))/s" }.joined(separator: ", "))
        }
        let median = figures.mapValues { $0.sorted()[$0.count / 2] }
        print("""
            \(events) events, batches of \(batchSize), \(payloadBytes)-byte payloads, median of \(runs) runs (events/s)
              raw LMDB put (MDB_APPEND)    \(Int(median["raw put"]!))
              raw puts, record + indexes   \(Int(median["raw put+indexes"]!))   (the same three puts an append makes)
              attest append                \(Int(median["append"]!))   \(percent(median["append"]!, of: median["raw put"]!)) of raw put (target 50%), \(percent(median["append"]!, of: median["raw put+indexes"]!)) of raw put + indexes
              raw cursor read + SHA-256    \(Int(median["raw read+hash"]!))
              attest verify                \(Int(median["verify"]!))   \(percent(median["verify"]!, of: median["raw read+hash"]!)) of raw read+hash (target 70%)
            """)
    }

    /// The records from sequence `first` on, with their stored bytes.
    private func storedRecords(_ log: EventLog, from first: UInt64) throws -> [LoggedRecord] {
        var records: [LoggedRecord] = []
        try log.read(from: first) { records.append($0); return true }
        return records
    }
}

/// Events per second of `body` over `count` events.
func measure(_ count: Int, _ body: () throws -> Void) throws -> Double {
    Double(count) / (try time(body))
}

/// Seconds `body` takes.
func time(_ body: () throws -> Void) throws -> Double {
    let elapsed = try ContinuousClock().measure(body)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func percent(_ value: Double, of base: Double) -> String {
    String(format: "%.0f%%", value / base * 100)
}

/// One LMDB database with nothing but sequence keys and record values: the baseline.
struct RawStore {
    let environment: Environment
    let database: Database
    let streams: Database
    let ids: Database

    init(path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        environment = try Environment(path: path)
        database = try environment.openDatabase("log", create: true)
        streams = try environment.openDatabase("streams", create: true)
        ids = try environment.openDatabase("event-ids", create: true)
    }

    /// The record bytes under their sequences.
    func put(_ records: [LoggedRecord], batchSize: Int) throws {
        try put(records, batchSize: batchSize, indexes: false)
    }

    /// The same, plus the stream-index and event-id entries an append writes, unchecked.
    func putWithIndexes(_ records: [LoggedRecord], batchSize: Int) throws {
        try put(records, batchSize: batchSize, indexes: true)
    }

    private func put(_ records: [LoggedRecord], batchSize: Int, indexes: Bool) throws {
        for start in stride(from: 0, to: records.count, by: batchSize) {
            try environment.write { txn in
                for entry in records[start..<min(start + batchSize, records.count)] {
                    let key = withUnsafeBytes(of: entry.record.sequence.bigEndian, Array.init)
                    try txn.put(database, key: key, value: entry.bytes, flags: .append)
                    guard indexes else { continue }
                    let version = withUnsafeBytes(of: entry.record.streamVersion.bigEndian, Array.init)
                    try txn.put(streams, key: Array(entry.record.streamID.utf8) + [0] + version, value: key)
                    try txn.put(ids, key: Array(entry.record.eventID), value: key)
                }
            }
        }
    }

    func readAndHash() throws {
        try environment.read { txn in
            try txn.withCursor(database) { cursor in
                var entry = try cursor.first()
                while let (_, value) = entry {
                    _ = TreeHash.sha256(value)
                    entry = try cursor.next()
                }
            }
        }
    }
}
