import ArgumentParser
import Assessment
import Centre
import EventLog
import Foundation
import Projections
import Simulation

/// The cost of upcasting: one generated centre written twice, its registrations and
/// assessments once at schema version 1 and once at the current version (the same
/// facts), then rebuilt and decoded in turns, in one run.
struct UpcastBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upcast",
        abstract: "Measure rebuilds of a store of version 1 records beside the same store written at the current version."
    )

    @Option(help: "Learners in the generated centre.")
    var learners = 2_000

    @Option(help: "Runs; the figures are medians.")
    var runs = 5

    @Option(help: "Directory for the scratch stores (removed afterwards).")
    var directory = NSTemporaryDirectory()

    func run() throws {
        let root = URL(fileURLWithPath: directory).appendingPathComponent("attest-upcast-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        var current: [String] = []
        var old: [String] = []
        var upcast = 0
        try CentreGenerator(learners: learners, seed: 1, specification: Qualifications.customerServiceLevel2).generate { line in
            let line = try Version1Lines.withVersion1Facts(line)
            current.append(line)
            if let v1 = try Version1Lines.version1(line) {
                old.append(v1)
                upcast += 1
            } else {
                old.append(line)
            }
        }
        let stores = try [("current", current), ("version 1", old)].map { name, lines in
            let store = try CentreStore.create(at: root + "/" + name.replacingOccurrences(of: " ", with: "-"), projections: CentreStore.reports)
            try store.append(lines: lines, batchSize: 1_000) { _, _ in }
            return (name, store)
        }
        let events = current.count
        print("\(learners) learners, \(events) events; \(upcast) of them (registrations and assessments) at version 1 in the version 1 store")

        var figures: [String: [Double]] = [:]
        for run in 1...runs {
            // Each run takes the stores in the other order, so neither always goes first.
            for (name, store) in run % 2 == 0 ? stores.reversed() : stores {
                figures["decode " + name, default: []].append(try measure(events) {
                    try store.log.read { entry in _ = try DomainEvent(record: entry.record); return true }
                })
                figures["rebuild " + name, default: []].append(try measure(events) { try store.rebuild() })
            }
        }
        let median = figures.mapValues { $0.sorted()[$0.count / 2] }
        print("""
            median of \(runs) runs (events/s)
              rebuild, current records      \(Int(median["rebuild current"]!))
              rebuild, version 1 records    \(Int(median["rebuild version 1"]!))   \(percent(median["rebuild version 1"]!, of: median["rebuild current"]!)) of current
              decode, current records       \(Int(median["decode current"]!))
              decode and upcast, version 1  \(Int(median["decode version 1"]!))   \(percent(median["decode version 1"]!, of: median["decode current"]!)) of current
            """)
        let date = Date(timeIntervalSince1970: 1_767_225_600)
        let same = try stores[0].1.transcripts() == stores[1].1.transcripts()
            && stores[0].1.audit(on: date) == stores[1].1.audit(on: date)
        print("both stores give the same transcripts and audit: \(same)")
        guard same else { throw ExitCode.failure }
    }
}
