import ArgumentParser
import EventLog
import Foundation
import LMDB

/// Anonymous (heap) memory while verifying a large log: it must not grow with the log.
/// The memory map's file-backed pages are the page cache, not the process's heap, so
/// the figure read is RssAnon from /proc/self/status.
struct MemoryBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "Show heap memory while verifying a large log."
    )

    @Option(help: "Events in the log.")
    var events = 10_000_000

    @Option(help: "Directory for the scratch store (removed afterwards).")
    var directory = NSTemporaryDirectory()

    func run() throws {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("attest-memory-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = EnvironmentOptions()
        options.noSync = true  // building the scratch store only; verification reads it back
        let log = try EventLog.create(at: path, options: options)
        let workload = Workload(payloadBytes: 300)
        for batch in 0..<events / 10_000 {
            try log.append(workload.batch(stream: "stream-\(batch)", count: 10_000))
        }
        try log.environment.sync()
        print("store of \(events) events built; RssAnon \(residentAnonymousKiB()) KiB")

        var samples: [(UInt64, Int)] = []
        var nextSample: UInt64 = 1_000_000
        let started = ContinuousClock.now
        let report = try log.verify { done, _ in
            guard done >= nextSample else { return }
            samples.append((done, residentAnonymousKiB()))
            nextSample += 1_000_000
        }
        let elapsed = ContinuousClock.now - started
        for (done, kib) in samples { print("verified \(done): RssAnon \(kib) KiB") }
        let kibs = samples.map(\.1)
        print("verified \(report.records) records in \(elapsed); RssAnon min \(kibs.min() ?? 0) KiB, max \(kibs.max() ?? 0) KiB")
    }
}

/// The process's resident anonymous memory in KiB (Linux).
func residentAnonymousKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    let line = status.split(separator: "\n").first { $0.hasPrefix("RssAnon:") }
    return line.flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true)[1]) } ?? -1
}
