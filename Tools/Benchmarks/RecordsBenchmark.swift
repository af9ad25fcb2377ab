import ArgumentParser
import Assessment
import AttestTesting
import Centre
import EventLog
import Foundation
import Simulation

/// The log's records as JSON lines, what `attest log --json` and the server's record
/// routes write: `LoggedRecord.domainJSONLine` (`JSONText`) beside the libraries'
/// rendering (`ReferenceJSON`: swift-protobuf's JSON, read back and written again by
/// `JSONSerialization` with sorted keys), on every record of a generated centre, in turns.
struct RecordsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "records",
        abstract: "Measure writing the log's records as JSON lines beside the libraries' rendering."
    )

    @Option(help: "Learners in the generated centre.")
    var learners = 200

    @Option(help: "Runs; the figures are medians.")
    var runs = 3

    @Option(help: "Directory for the scratch store (removed afterwards).")
    var directory = NSTemporaryDirectory()

    func run() throws {
        let root = URL(fileURLWithPath: directory).appendingPathComponent("attest-bench-records-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try CentreStore.create(at: root)
        var ndjson = ""
        try CentreGenerator(learners: learners, seed: 1, specification: Qualifications.customerServiceLevel2).generate { ndjson += $0 + "\n" }
        _ = try store.append(ndjson: ndjson)
        let keyring = Keyring(store: root)
        var entries: [LoggedRecord] = []
        try store.log.read { entries.append($0); return true }
        for entry in entries where try entry.domainJSONLine(opening: keyring.open) != ReferenceJSON.line(of: entry, opening: keyring.open) {
            throw ValidationError("sequence \(entry.record.sequence): the writer's line differs from the libraries'")
        }
        var figures: [String: [Double]] = [:]
        var bytes = 0
        for _ in 0..<runs {
            figures["writer", default: []].append(try measure(entries.count) {
                for entry in entries { bytes &+= try entry.domainJSONLine(opening: keyring.open).utf8.count }
            })
            figures["libraries", default: []].append(try measure(entries.count) {
                for entry in entries { bytes &+= try ReferenceJSON.line(of: entry, opening: keyring.open).utf8.count }
            })
        }
        let median = figures.mapValues { $0.sorted()[$0.count / 2] }
        print("""
            generated centre: \(learners) learners, \(entries.count) records, \(bytes / entries.count / runs / 2) bytes a line, median of \(runs) runs (records/s)
              JSONText writer (attest log --json)                  \(Int(median["writer"]!))
              swift-protobuf JSON + JSONSerialization, sorted keys \(Int(median["libraries"]!))   (the writer: \(String(format: "%.0f", median["writer"]! / median["libraries"]!))×)
            """)
    }
}
