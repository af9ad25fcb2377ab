import ArgumentParser
import EventLog
import Foundation

/// Appends batches to a store, one stream per batch, reporting each commit on standard
/// output as it lands: `committed BATCH FIRST LAST`. Crash and concurrency tests run it
/// as a child process, kill it and check that what it reported is there.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Append batches to a store and report each commit."
    )

    @Argument(help: "An existing store directory.")
    var store: String

    @Option(help: "Streams are named PREFIX-BATCH.")
    var prefix: String

    @Option(help: "Number of batches.")
    var batches = 100

    @Option(help: "Events per batch.")
    var batchSize = 100

    @Option(help: "Payload size in bytes.")
    var payloadBytes = 300

    func run() throws {
        let log = try EventLog(openingAt: store)
        let workload = Workload(payloadBytes: payloadBytes)
        for batch in 0..<batches {
            let appended = try log.append(workload.batch(stream: "\(prefix)-\(batch)", count: batchSize))
            // Unbuffered: a line is out before the next batch starts, so a kill loses no report.
            let line = "committed \(batch) \(appended.first!.sequence) \(appended.last!.sequence)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }
}
