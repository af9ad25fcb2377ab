import ArgumentParser
import Assessment
import EventLog
import Foundation
import Simulation

/// Validated appends of a generated centre beside appending the same events to the bare
/// log (no rules), in one run.
struct DomainBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domain",
        abstract: "Measure validated appends of a generated centre beside bare log appends."
    )

    @Option(help: "Learners in the generated centre.")
    var learners = 2_000

    @Option(help: "Events per batch (one write transaction each).")
    var batchSize = 1_000

    @Option(help: "Runs; the figures are medians.")
    var runs = 3

    @Option(help: "Directory for the scratch stores (removed afterwards).")
    var directory = NSTemporaryDirectory()

    func run() throws {
        var lines: [String] = []
        try CentreGenerator(learners: learners, seed: 1, specification: Qualifications.customerServiceLevel2).generate { lines.append($0) }
        let parseRate = try measure(lines.count) { for line in lines { _ = try CentreEvent(line: line) } }
        let events = try lines.map { try CentreEvent(line: $0) }
        let batches = stride(from: 0, to: events.count, by: batchSize).map { Array(events[$0..<min($0 + batchSize, events.count)]) }

        var validated: [Double] = [], bare: [Double] = []
        for run in 1...runs {
            let root = URL(fileURLWithPath: directory).appendingPathComponent("attest-domain-\(getpid())-\(run)").path
            defer { try? FileManager.default.removeItem(atPath: root) }
            let store = try CentreStore.create(at: root + "/centre")
            validated.append(try measure(events.count) { for batch in batches { try store.append(batch) } })
            let log = try EventLog.create(at: root + "/log")
            bare.append(try measure(events.count) { for batch in batches { try log.append(batch.map(\.draft)) } })
            print("run \(run): validated \(Int(validated.last!))/s, bare log \(Int(bare.last!))/s")
        }
        let v = validated.sorted()[runs / 2], b = bare.sorted()[runs / 2]
        print("""

            generated centre: \(learners) learners, \(events.count) events, batches of \(batchSize), median of \(runs) runs (events/s)
              parse NDJSON into events      \(Int(parseRate))
              bare log append (no rules)    \(Int(b))
              validated append (rules)      \(Int(v))   \(percent(v, of: b)) of bare append
            """)
    }
}
