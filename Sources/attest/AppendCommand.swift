import ArgumentParser
import AttestKit
import Foundation

struct AppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append assessment events from NDJSON, all or none.",
        discussion: """
            Reads one event per line: type, actor, occurredAt and payload (the event's \
            proto3 JSON, see docs/events.md), with optional id, stream, schemaVersion, \
            expectedVersion, correlationId and causationId. Every event is checked \
            against the centre's rules in order. The whole input is one atomic batch: \
            if any line is refused, nothing is appended and the error names the line \
            and the rule. Prints the sequence given to each line; a line whose id is \
            already stored with the same content keeps its sequence.

            Example:
              echo '{"type":"learner.withdrawn","actor":{"id":"admin-1","role":"centre_administrator"},"occurredAt":"2026-03-02T09:30:00Z","payload":{"learnerId":"C-0042","reason":"moved away"}}' \\
                | attest append centre.store -
            """
    )

    @OptionGroup var location: StoreArgument

    @Argument(help: "The NDJSON file to read, or - for standard input.")
    var input: String = "-"

    @Option(help: "Commit every N events, each batch all or none (default: the whole input is one batch).")
    var batchSize: Int?

    @Flag(help: "Print only a count, not a line per event.")
    var quiet = false

    func validate() throws {
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be 1 or more") }
    }

    func run() throws {
        let store = try openStore(location.store)
        var lines = try LineReader(path: input)
        var count = 0
        var output = BufferedOutput()
        do {
            try store.append(nextLine: { try lines.next() }, batchSize: batchSize ?? .max) { line, appended in
                count += 1
                guard !quiet else { return }
                output.write("line \(line): sequence \(appended.sequence)\(appended.duplicate ? " (already recorded)" : "")")
            }
            output.flush()
        } catch let refusal as LineRefusal {
            output.flush()
            throw CommandFailure(refusal.description)
        }
        if quiet { print("appended \(count) events") }
    }
}
