import ArgumentParser
import Assessment
import Centre
import Checkpoints
import EventLog
import Foundation
import Projections
import Replay
import Simulation

/// The EQA's full replay (chain, Merkle root, decoding, rules, projections and the
/// comparison with the stored reports) beside verification alone (chain and Merkle root)
/// and beside a full rebuild of the reports, in turns in the same run on the same store,
/// with the heap sampled as the replay goes.
struct ReplayBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Measure attest-replay's full replay beside verify-only and a full rebuild on a generated centre."
    )

    @Option(help: "Learners in the generated centre.")
    var learners = 10_000

    @Option(help: "Runs of each; medians are printed.")
    var runs = 3

    @Option(help: "Directory for the scratch store (removed afterwards).")
    var directory = NSTemporaryDirectory()

    @Flag(help: "Also time the replay with no reports and with each report alone, to show where the time goes.")
    var breakdown = false

    func run() throws {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("attest-replay-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var lines: [String] = []
        try CentreGenerator(learners: learners, seed: 1, specification: Qualifications.customerServiceLevel2).generate { lines.append($0) }
        let store = try CentreStore.create(at: path, projections: CentreStore.reports)
        try store.append(lines: lines, batchSize: 1_000) { _, _ in }
        lines = []
        let key = try SigningKey(generatingFor: "bench.centre")
        let checkpoint = try CheckpointLog(log: store.log, create: true).record(signedBy: key)
        let events = Int(checkpoint.checkpoint.size)
        let logBytes = try FileManager.default.attributesOfItem(atPath: path + "/data.mdb")[.size] as? Int ?? 0
        print("\(learners) learners, \(events) events; data.mdb \(logBytes >> 20) MiB; RssAnon \(residentAnonymousKiB()) KiB before replaying")

        var options = ReplayOptions()
        options.key = key.verifierKey
        var verifyRates: [Double] = []
        var replayRates: [Double] = []
        var rebuildRates: [Double] = []
        var samples: [(UInt64, Int)] = []
        for run in 0..<runs {
            verifyRates.append(try measure(events) { _ = try store.log.verify() })
            rebuildRates.append(try measure(events) { try store.rebuild() })
            var nextSample: UInt64 = 0
            if run == runs - 1 {
                options.progress = { done, _ in
                    guard done >= nextSample else { return }
                    samples.append((done, residentAnonymousKiB()))
                    nextSample += UInt64(events / 10)
                }
            }
            var report: ReplayReport?
            replayRates.append(try measure(events) { report = try Replayer.verify(path, options: options) })
            guard let report, report.breach == nil, report.records == UInt64(events), report.replayed == UInt64(events) else {
                print("the replay did not verify: \(report.map { "\($0.breach.map(String.init(describing:)) ?? "incomplete")" } ?? "no report")")
                throw ExitCode.failure
            }
        }
        let verify = median(verifyRates), replay = median(replayRates), rebuild = median(rebuildRates)
        print("verify-only (chain + Merkle)                        \(Int(verify)) events/s (median of \(runs))")
        print("full replay (chain + Merkle + decode + rules + reports, state on disk) \(Int(replay)) events/s (median of \(runs)), \(percent(replay, of: verify)) of verify-only")
        print("full rebuild of the reports                         \(Int(rebuild)) events/s (median of \(runs))")
        print("full replay: \(percent(replay, of: rebuild)) of a full rebuild (target 70%)")
        for (done, kib) in samples { print("replayed \(done): RssAnon \(kib) KiB") }
        if breakdown {
            options.scratchDirectory = nil
            let inMemory = try measure(events) { _ = try Replayer.verify(path, options: options) }
            print("full replay with its state in memory: \(Int(inMemory)) events/s; RssAnon after it \(residentAnonymousKiB()) KiB")
            for reports in [[]] + CentreStore.reports.map({ [$0] }) {
                options.projections = reports
                options.progress = nil
                let rate = try measure(events) { _ = try Replayer.verify(path, options: options) }
                let names = reports.isEmpty ? "no reports" : reports.map(\.name).joined()
                print("replay with \(names): \(Int(rate)) events/s")
            }
        }
        print("RssAnon after the last replay \(residentAnonymousKiB()) KiB")
    }

    private func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}
