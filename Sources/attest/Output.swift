import ArgumentParser
import Foundation

/// Standard output in large writes: a generated centre and its append report run to
/// hundreds of thousands of lines.
struct BufferedOutput {
    private var buffer: [UInt8] = []

    mutating func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 20 { flush() }
    }

    mutating func flush() {
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Prints `value` as one line of JSON with sorted keys.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// How a report is shown: as a table, or as JSON (`--json`), and as a page too (`--html FILE`).
struct ReportOutput: ParsableArguments {
    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Option(help: "Also write the report as a self-contained, printable HTML page to this file.")
    var html: String?

    /// Writes `report`'s page when asked, then prints it as JSON or as its table.
    func show<Report: Encodable>(_ report: Report, page: () -> String, table: () -> String) throws {
        if let html { try page().write(toFile: html, atomically: true, encoding: .utf8) }
        if json { try printJSON(report) } else { print(table()) }
    }
}
