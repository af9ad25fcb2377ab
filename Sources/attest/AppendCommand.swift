import ArgumentParser
import EventLog
import Foundation

struct AppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append events from NDJSON, all or none.",
        discussion: """
            Reads one event per line: stream, type, actor, occurredAt and payload, with \
            optional id, schemaVersion, expectedVersion, correlationId and causationId. \
            The whole input is one atomic batch: if any line is refused, nothing is \
            appended and the error names the line. Prints the sequence given to each line; \
            a line whose id is already stored with the same content keeps its sequence.

            Example:
              echo '{"stream":"learner-1","type":"note.added","actor":{"id":"admin-1","role":"centre_administrator"},"occurredAt":"2026-03-02T09:30:00Z","payload":{"text":"hello"}}' \\
                | attest append centre.store -
            """
    )

    @OptionGroup var location: StoreArgument

    @Argument(help: "The NDJSON file to read, or - for standard input.")
    var input: String = "-"

    func run() throws {
        let text = try readInput()
        var drafts: [EventDraft] = []
        var lineNumbers: [Int] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            do {
                drafts.append(try EventLine.parse(line))
                lineNumbers.append(offset + 1)
            } catch let error as EventLineError {
                throw CommandFailure("line \(offset + 1): \(error.problem); nothing was appended")
            }
        }
        guard !drafts.isEmpty else { throw CommandFailure("the input holds no events; nothing was appended") }

        let log = try EventLog(openingAt: location.store)
        let results: [Appended]
        do {
            results = try log.append(drafts)
        } catch let error as EventLogError {
            guard let index = error.batchIndex else { throw error }
            throw CommandFailure("line \(lineNumbers[index]): \(error); nothing was appended")
        }
        for (index, result) in results.enumerated() {
            let note = result.duplicate ? " (already recorded)" : ""
            print("line \(lineNumbers[index]): sequence \(result.sequence), \(drafts[index].streamID) version \(result.streamVersion)\(note)")
        }
    }

    private func readInput() throws -> String {
        let data = input == "-"
            ? FileHandle.standardInput.readDataToEndOfFile()
            : try Data(contentsOf: URL(fileURLWithPath: input))
        guard let text = String(data: data, encoding: .utf8) else {
            throw CommandFailure("\(input == "-" ? "standard input" : input) is not UTF-8 text")
        }
        return text
    }
}

/// A failure to report on standard error, with a non-zero exit.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
