import ArgumentParser
import AttestKit
import Foundation

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show the records of the log, oldest first.",
        discussion: """
            Shows one line per record: sequence, recorded-at, stream and version, type \
            and actor. With --json, prints each record as one line of JSON, including its \
            payload and hashes.

            Example:
              attest log centre.store --from 100 --stream learner-C-0042 --json
            """
    )

    @OptionGroup var location: StoreArgument

    @Option(help: "The first sequence to show.")
    var from: UInt64 = 1

    @Option(help: "Show only this stream's records.")
    var stream: String?

    @Flag(help: "Print JSON lines instead of a table.")
    var json = false

    func run() throws {
        let log = try EventLog(openingAt: location.store)
        let keyring = Keyring(store: location.store)
        let show: (LoggedRecord) throws -> Bool = { entry in
            guard entry.record.sequence >= from else { return true }
            if json {
                print(try entry.domainJSONLine(opening: keyring.open))
            } else {
                let r = entry.record
                let recorded = Timestamp.format(micros: r.recordedAtMicros)
                print("\(r.sequence)\t\(recorded)\t\(r.streamID)@\(r.streamVersion)\t\(r.eventType)\t\(r.actor.id)")
            }
            return true
        }
        if let stream {
            try log.read(stream: stream, show)
        } else {
            try log.read(from: from, show)
        }
    }
}
