import ArgumentParser
import Assessment
import AttestTesting
import Centre
import EventLog
import Foundation
import Projections
import Records
import Simulation
import SwiftProtobuf

/// The encoders written by hand, each beside the library it stands in for, in turns (a pass
/// or a chunk of each at a time), after checking both give the same bytes: learners'
/// records as the rules and the transcripts keep them (`stateBytes()`, `StateEncoder`, one
/// pass) beside swift-protobuf's deterministic binary encoding, on every learner record of
/// a generated centre; and the
/// log's records as JSON lines (`attest log --json`, the server's record routes:
/// `LoggedRecord.domainJSONLine`, `JSONText`) beside swift-protobuf's JSON read back and
/// written again by `JSONSerialization` with sorted keys (`ReferenceJSON`), on every tenth
/// record of its log.
struct EncodeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Measure the encoders written by hand beside swift-protobuf's binary encoding and JSONSerialization."
    )

    @Option(help: "Learners in the generated centre.")
    var learners = 2_000

    @Option(help: "Runs; the figures are medians.")
    var runs = 5

    @Option(help: "Directory for the scratch store (removed afterwards).")
    var directory = NSTemporaryDirectory()

    func run() throws {
        let root = URL(fileURLWithPath: directory).appendingPathComponent("attest-bench-encode-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try CentreStore.create(at: root, projections: CentreStore.reports)
        var ndjson = ""
        try CentreGenerator(learners: learners, seed: 1, specification: Qualifications.customerServiceLevel2).generate { ndjson += $0 + "\n" }
        _ = try store.append(ndjson: ndjson)
        let records = try store.readProjections { snapshot in
            try snapshot.messages(of: TranscriptProjection().name, in: TranscriptKeys.records).map(\.message)
        }
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        var sizes = 0
        for record in records {
            let bytes = try record.stateBytes()
            guard bytes == (try record.serializedBytes(options: options) as [UInt8]) else {
                throw ValidationError("learner \(record.learnerID): the state encoder's bytes differ from swift-protobuf's")
            }
            sizes += bytes.count
        }
        let copies = try records.map { try Attest_V1_LearnerRecord(serializedBytes: $0.stateBytes()) }
        let keyring = Keyring(store: root)
        var entries: [LoggedRecord] = []
        try store.log.read { entry in
            if entry.record.sequence % 10 == 1 { entries.append(entry) }
            return true
        }
        var lineBytes = 0
        for entry in entries {
            let line = try entry.domainJSONLine(opening: keyring.open)
            guard line == (try ReferenceJSON.line(of: entry, opening: keyring.open)) else {
                throw ValidationError("sequence \(entry.record.sequence): JSONText's line differs from the libraries'")
            }
            lineBytes += line.utf8.count
        }
        let repeats = max(1, 200_000 / records.count)
        var figures: [String: [Double]] = [:]
        var sink = 0
        // In turns, a pass or a chunk of each at a time: the machine's speed drifts within a run.
        for _ in 0..<runs {
            var seconds: [String: Double] = [:]
            for _ in 0..<repeats {
                seconds["state encoder", default: 0] += try time { for record in records { sink &+= try record.stateBytes().count } }
                seconds["compare", default: 0] += try time { for (record, copy) in zip(records, copies) where record == copy { sink &+= 1 } }
                seconds["swift-protobuf", default: 0] += try time {
                    for record in records { sink &+= (try record.serializedBytes(options: options) as [UInt8]).count }
                }
            }
            for start in stride(from: 0, to: entries.count, by: 500) {
                let chunk = entries[start..<min(start + 500, entries.count)]
                seconds["JSONText", default: 0] += try time { for entry in chunk { sink &+= try entry.domainJSONLine(opening: keyring.open).utf8.count } }
                seconds["JSONSerialization", default: 0] += try time {
                    for entry in chunk { sink &+= try ReferenceJSON.line(of: entry, opening: keyring.open).utf8.count }
                }
            }
            for (name, elapsed) in seconds {
                let count = name.hasPrefix("JSON") ? entries.count : records.count * repeats
                figures[name, default: []].append(Double(count) / elapsed)
            }
        }
        let median = figures.mapValues { $0.sorted()[$0.count / 2] }
        print("""
            generated centre: \(records.count) learner records, \(sizes / records.count) bytes each on average, median of \(runs) runs (records/s)
              state encoder (one pass)          \(Int(median["state encoder"]!))
              compare with an equal record      \(Int(median["compare"]!))
              swift-protobuf, deterministic     \(Int(median["swift-protobuf"]!))   (the state encoder: \(String(format: "%.1f", median["state encoder"]! / median["swift-protobuf"]!))×)
            the log's records as JSON lines: \(entries.count) records, every tenth, \(lineBytes / entries.count) bytes each on average (records/s)
              JSONText (attest log --json)                             \(Int(median["JSONText"]!))
              swift-protobuf JSON + JSONSerialization, sorted keys     \(Int(median["JSONSerialization"]!))   (JSONText: \(String(format: "%.0f", median["JSONText"]! / median["JSONSerialization"]!))×)
            """)
        if sink == 0 { print("") }
    }
}
