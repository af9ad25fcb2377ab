import ArgumentParser
import Assessment
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
              echo '{"type":"learner.withdrawn","actor":{"id":"admin-1","role":"centre_administrator"},"occurredAt":"2026-03-02T09:30:00Z","payload":{"learnerId":"1234567890","reason":"moved away"}}' \\
                | attest append centre.store -
            """
    )

    @OptionGroup var location: StoreArgument

    @Argument(help: "The NDJSON file to read, or - for standard input.")
    var input: String = "-"

    func run() throws {
        let store = try CentreStore(openingAt: location.store)
        do {
            for (line, appended) in try store.append(ndjson: try readInput(input)) {
                let note = appended.duplicate ? " (already recorded)" : ""
                print("line \(line): sequence \(appended.sequence)\(note)")
            }
        } catch let refusal as LineRefusal {
            throw CommandFailure(refusal.description)
        }
    }
}

/// The text of `path`, or of standard input for `-`.
func readInput(_ path: String) throws -> String {
    let data = path == "-"
        ? FileHandle.standardInput.readDataToEndOfFile()
        : try Data(contentsOf: URL(fileURLWithPath: path))
    guard let text = String(data: data, encoding: .utf8) else {
        throw CommandFailure("\(path == "-" ? "standard input" : path) is not UTF-8 text")
    }
    return text
}

/// A failure to report on standard error, with a non-zero exit.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
