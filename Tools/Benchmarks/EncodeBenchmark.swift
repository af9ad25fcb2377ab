import ArgumentParser
import Assessment
import Centre
import Foundation
import Projections
import Records
import Simulation
import SwiftProtobuf

/// Writing learners' records as the rules and the transcripts keep them: `stateBytes()`
/// (`StateEncoder`, one pass) beside swift-protobuf's deterministic binary encoding, on
/// every learner record of a generated centre, in turns.
struct EncodeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Measure writing learners' records beside swift-protobuf's binary encoding."
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
        let repeats = max(1, 200_000 / records.count)
        var figures: [String: [Double]] = [:]
        var sink = 0
        for _ in 0..<runs {
            figures["state encoder", default: []].append(try measure(records.count * repeats) {
                for _ in 0..<repeats { for record in records { sink &+= try record.stateBytes().count } }
            })
            figures["compare", default: []].append(try measure(records.count * repeats) {
                for _ in 0..<repeats { for (record, copy) in zip(records, copies) where record == copy { sink &+= 1 } }
            })
            figures["swift-protobuf", default: []].append(try measure(records.count * repeats) {
                for _ in 0..<repeats { for record in records { sink &+= (try record.serializedBytes(options: options) as [UInt8]).count } }
            })
        }
        let median = figures.mapValues { $0.sorted()[$0.count / 2] }
        print("""
            generated centre: \(records.count) learner records, \(sizes / records.count) bytes each on average, median of \(runs) runs (records/s)
              state encoder (one pass)          \(Int(median["state encoder"]!))
              compare with an equal record      \(Int(median["compare"]!))
              swift-protobuf, deterministic     \(Int(median["swift-protobuf"]!))   (the state encoder: \(String(format: "%.1f", median["state encoder"]! / median["swift-protobuf"]!))×)
            """)
        if sink == 0 { print("") }
    }
}
