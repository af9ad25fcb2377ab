import ArgumentParser
import Assessment
import EventLog
import Foundation
import Simulation
import Synchronization

/// How much a store grows when it is read while appended to: the same generated centre
/// appended to a store no one reads and to one verified over and over by another thread
/// the whole time, and the two `data.mdb` sizes compared.
struct GrowthBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "growth",
        abstract: "Measure how much more a store grows when it is verified while appended to."
    )

    @Option(help: "Learners in the generated centre.")
    var learners = 1_000

    @Option(help: "Events per batch (one write transaction each).")
    var batchSize = 1_000

    @Option(help: "Runs; the figures are medians.")
    var runs = 3

    @Option(help: "Directory for the scratch stores (removed afterwards).")
    var directory = NSTemporaryDirectory()

    @Flag(help: "Verify in one read transaction, as verification read the log before it used short ones.")
    var oneSnapshot = false

    func run() throws {
        var lines: [String] = []
        try CentreGenerator(learners: learners, seed: 1, specification: Qualifications.customerServiceLevel2).generate { lines.append($0) }
        let events = try lines.map { try CentreEvent(line: $0) }
        let batches = stride(from: 0, to: events.count, by: batchSize).map { Array(events[$0..<min($0 + batchSize, events.count)]) }
        var ratios: [Double] = []
        for run in 1...runs {
            let root = URL(fileURLWithPath: directory).appendingPathComponent("attest-growth-\(getpid())-\(run)").path
            defer { try? FileManager.default.removeItem(atPath: root) }
            let quiet = try append(batches, to: root + "/quiet", verifying: false)
            let read = try append(batches, to: root + "/read", verifying: true)
            ratios.append(Double(read.bytes) / Double(quiet.bytes))
            print("run \(run): no readers \(megabytes(quiet.bytes)), verified \(read.verifications) times meanwhile \(megabytes(read.bytes)): \(String(format: "%.2f", ratios.last!))×")
        }
        print("""

            generated centre: \(learners) learners, \(events.count) events, batches of \(batchSize); verification \(oneSnapshot ? "in one read transaction" : "in short read transactions")
            data.mdb read while appended / not read: median \(String(format: "%.2f", ratios.sorted()[runs / 2]))× of \(runs) runs
            """)
    }

    /// Appends `batches` to a new store at `path`, with a thread verifying it meanwhile when
    /// `verifying`. - Returns: the size of its `data.mdb` and the verifications completed.
    private func append(_ batches: [[CentreEvent]], to path: String, verifying: Bool) throws -> (bytes: Int, verifications: Int) {
        let store = try CentreStore.create(at: path)
        let reader = VerificationLoop(log: store.log, oneSnapshot: oneSnapshot)
        if verifying { reader.start() }
        for batch in batches { try store.append(batch) }
        let verifications = reader.stop()
        let size = try FileManager.default.attributesOfItem(atPath: path + "/data.mdb")[.size] as! Int
        return (size, verifications)
    }

    private func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
}

/// A thread verifying a log over and over until stopped.
private final class VerificationLoop: Sendable {
    let log: EventLog
    let oneSnapshot: Bool
    private let state = Mutex((running: false, stopping: false, verifications: 0))
    private let finished = DispatchSemaphore(value: 0)

    init(log: EventLog, oneSnapshot: Bool) {
        self.log = log
        self.oneSnapshot = oneSnapshot
    }

    func start() {
        state.withLock { $0.running = true }
        Thread.detachNewThread { [self] in
            while !state.withLock({ $0.stopping }) {
                do { try verify() } catch { FileHandle.standardError.write(Data("verification: \(error)\n".utf8)) }
                state.withLock { $0.verifications += 1 }
            }
            finished.signal()
        }
    }

    /// Stops the thread, if started, and returns the verifications it completed.
    func stop() -> Int {
        let running = state.withLock { state in
            state.stopping = true
            return state.running
        }
        if running { finished.wait() }
        return state.withLock { $0.verifications }
    }

    private func verify() throws {
        guard oneSnapshot else {
            _ = try log.verify()
            return
        }
        try log.environment.read { txn in
            var chain = ChainVerifier()
            try log.readStored(in: txn) { bytes, _ in
                try chain.append(bytes)
                return true
            }
        }
    }
}
