import ArgumentParser
import Assessment
import Centre
import Checkpoints
import EventLog
import Foundation
import Replay
import Simulation

/// How much a store grows when it is read while appended to: the same generated centre
/// appended to a store no one reads and to one that another process replays over and over
/// (`attest-replay STORE`, through the library) the whole time, and the two `data.mdb`
/// sizes compared.
struct GrowthBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "growth",
        abstract: "Measure how much more a store grows when it is replayed while appended to."
    )

    @Option(help: "Learners in the generated centre.")
    var learners = 1_000

    @Option(help: "Events per batch (one write transaction each).")
    var batchSize = 1_000

    @Option(help: "Runs; the figures are medians.")
    var runs = 3

    @Option(help: "Directory for the scratch stores (removed afterwards).")
    var directory = NSTemporaryDirectory()

    @Option(help: ArgumentHelp("Replay this store over and over until killed (the reading process).", visibility: .hidden))
    var replayLoop: String?

    func run() throws {
        if let replayLoop { return try Self.replay(replayLoop) }
        var lines: [String] = []
        try CentreGenerator(learners: learners, seed: 1, specification: Qualifications.customerServiceLevel2).generate { lines.append($0) }
        let events = try lines.map { try CentreEvent(line: $0) }
        let batches = stride(from: 0, to: events.count, by: batchSize).map { Array(events[$0..<min($0 + batchSize, events.count)]) }
        var ratios: [Double] = []
        for run in 1...runs {
            let root = URL(fileURLWithPath: directory).appendingPathComponent("attest-growth-\(getpid())-\(run)").path
            defer { try? FileManager.default.removeItem(atPath: root) }
            let quiet = try append(batches, to: root + "/quiet", replaying: false)
            let read = try append(batches, to: root + "/read", replaying: true)
            ratios.append(Double(read.bytes) / Double(quiet.bytes))
            print("run \(run): no readers \(megabytes(quiet.bytes)); replayed \(read.replays) times meanwhile \(megabytes(read.bytes)): \(String(format: "%.2f", ratios.last!))×")
        }
        print("""

            generated centre: \(learners) learners, \(events.count) events, batches of \(batchSize)
            data.mdb replayed while appended / not read: median \(String(format: "%.2f", ratios.sorted()[runs / 2]))× of \(runs) runs
            """)
    }

    /// Appends `batches` to a new store at `path`, signing a checkpoint after the first, with
    /// another process replaying it meanwhile when `replaying`.
    /// - Returns: the size of its `data.mdb` and the replays completed meanwhile.
    private func append(_ batches: [[CentreEvent]], to path: String, replaying: Bool) throws -> (bytes: Int, replays: Int) {
        let store = try CentreStore.create(at: path, projections: CentreStore.reports)
        let key = try SigningKey(generatingFor: "growth")
        try key.write(to: SigningKey.path(inStore: path))
        try store.append(batches[0])
        try CheckpointLog(log: store.log, create: true).record(signedBy: key)
        let reader = Process()
        let output = Pipe()
        if replaying {
            reader.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            reader.arguments = ["growth", "--replay-loop", path]
            reader.standardOutput = output
            try reader.run()
        }
        for batch in batches.dropFirst() { try store.append(batch) }
        var replays = 0
        if replaying {
            reader.terminate()
            reader.waitUntilExit()
            replays = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").count
        }
        let size = try FileManager.default.attributesOfItem(atPath: path + "/data.mdb")[.size] as! Int
        return (size, replays)
    }

    /// Replays the store at `path` until killed, printing a line after each replay.
    private static func replay(_ path: String) throws {
        while true {
            let report = try Replayer.verify(path, options: ReplayOptions())
            FileHandle.standardOutput.write(Data("replayed \(report.records)\n".utf8))
        }
    }

    private func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
}
