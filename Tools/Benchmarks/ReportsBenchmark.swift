import ArgumentParser
import Assessment
import Centre
import EventLog
import Foundation
import Projections
import Simulation

/// Reports on a generated centre: a full rebuild beside reading and decoding the same
/// records, transcript, audit and sampling-grid read latency, and the checks that the
/// rebuilt and replayed (as-of) reports equal the ones kept inline and those of a store
/// holding only part of the log.
struct ReportsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports",
        abstract: "Measure rebuilds and report reads on a generated centre, and check them."
    )

    @Option(help: "Learners in the generated centre.")
    var learners = 10_000

    @Option(help: "Transcript reads to time.")
    var reads = 10_000

    @Option(help: "Reads of the audit and of the sampling grid to time.")
    var auditReads = 21

    @Option(help: "Runs of the decode and the rebuild, in turns; the figures are medians.")
    var runs = 3

    @Option(help: "Directory for the scratch stores (removed afterwards).")
    var directory = NSTemporaryDirectory()

    func run() throws {
        let root = URL(fileURLWithPath: directory).appendingPathComponent("attest-reports-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        var lines: [String] = []
        try CentreGenerator(learners: learners, seed: 1, specification: Qualifications.customerServiceLevel2).generate { lines.append($0) }
        let store = try CentreStore.create(at: root + "/centre", projections: CentreStore.reports)
        try store.append(lines: lines, batchSize: 1_000) { _, _ in }
        let events = lines.count
        print("\(learners) learners, \(events) events appended with reports kept inline")

        let inline = (try store.transcripts(), try store.audit(on: Self.auditDate), try store.samplingGrid(on: Self.auditDate))
        var decodes: [Double] = [], rebuilds: [Double] = []
        var heap: [Int] = []
        let heapBefore = residentAnonymousKiB()
        for run in 1...runs {
            decodes.append(try measure(events) {
                try store.log.read { entry in _ = try DomainEvent(record: entry.record); return true }
            })
            heap = []
            rebuilds.append(try measure(events) { try store.rebuild { _, _ in heap.append(residentAnonymousKiB()) } })
            print("run \(run): rebuild \(Int(rebuilds.last!))/s, raw read and decode \(Int(decodes.last!))/s")
        }
        let decode = decodes.sorted()[runs / 2], rebuild = rebuilds.sorted()[runs / 2]
        let rebuilt = (try store.transcripts(), try store.audit(on: Self.auditDate), try store.samplingGrid(on: Self.auditDate))
        print("rebuild                            \(Int(rebuild)) events/s (median of \(runs))")
        print("raw read and decode of the records  \(Int(decode)) events/s   rebuild is \(percent(rebuild, of: decode)) of it (target 50%)")
        print("rebuilt reports equal the inline ones: \(rebuilt == inline)")
        print("RssAnon (KiB) before the rebuilds \(heapBefore), at each progress report of the last: \(heap.map(String.init).joined(separator: " "))")

        var latencies: [Double] = []
        var random = SystemRandomNumberGenerator()
        for _ in 0..<reads {
            let learner = CentreGenerator.learner(Int.random(in: 0..<learners, using: &random))
            let started = ContinuousClock.now
            _ = try store.transcript(of: learner)
            let elapsed = ContinuousClock.now - started
            latencies.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
        }
        latencies.sort()
        print(String(format: "transcript read: median %.0f µs, p99 %.0f µs (%d reads)", latencies[reads / 2], latencies[reads * 99 / 100], reads))
        for (name, read) in [("audit", { _ = try store.audit(on: Self.auditDate) }), ("sampling grid", { _ = try store.samplingGrid(on: Self.auditDate) })] {
            var times: [Double] = []
            for _ in 0..<auditReads {
                let started = ContinuousClock.now
                try read()
                let elapsed = ContinuousClock.now - started
                times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15)
            }
            times.sort()
            print("\(name) read: " + String(format: "median %.1f ms, slowest %.1f ms (%d reads)", times[auditReads / 2], times[auditReads - 1], auditReads))
        }

        let cut = events / 2
        let part = try CentreStore.create(at: root + "/part", projections: CentreStore.reports)
        try part.append(lines: lines.prefix(cut), batchSize: 1_000) { _, _ in }
        let replayed = (
            try store.transcripts(asOf: .sequence(UInt64(cut))), try store.audit(on: Self.auditDate, asOf: .sequence(UInt64(cut))),
            try store.samplingGrid(on: Self.auditDate, asOf: .sequence(UInt64(cut))))
        let fresh = (try part.transcripts(), try part.audit(on: Self.auditDate), try part.samplingGrid(on: Self.auditDate))
        print("as-of \(cut) equals a store holding only the first \(cut) events: \(replayed == fresh)")
        guard rebuilt == inline, replayed == fresh else { throw ExitCode.failure }
    }

    static let auditDate = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
}
