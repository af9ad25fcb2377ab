import ArgumentParser
import Assessment
import Foundation
import Terminal

struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild reports from the log and swap them in at once.",
        discussion: """
            Replays the log into fresh databases and swaps each report in with one \\
            transaction. Readers, in this process or others, see the old report until the \\
            swap, never a half-built one; a rebuild that fails or is killed leaves the old \\
            report in place. Appends may go on meanwhile. Reports: transcripts, audit.

            Example:
              attest rebuild centre.store
              attest rebuild centre.store transcripts
            """
    )

    @OptionGroup var location: StoreArgument

    @Argument(help: "The reports to rebuild (all when none is named).")
    var names: [String] = []

    func run() throws {
        let store = try openStore(location.store)
        let progress = ProgressBar(label: "rebuilding")
        let started = Date()
        try store.rebuild(names, progress: progress?.update)
        progress?.finish()
        let head = try store.log.head().sequence
        print("rebuilt \(names.isEmpty ? "all reports" : names.joined(separator: ", ")) from \(head) records in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }
}

/// The option to rebuild a stale report before showing it.
struct RebuildOption: ParsableArguments {
    @Flag(help: "Rebuild the report from the log first if it is stale.")
    var rebuild = false

    /// Runs `read`; when the report is stale and --rebuild was given, rebuilds it and reads again.
    func read<R>(_ store: CentreStore, _ read: () throws -> R) throws -> R {
        do {
            return try read()
        } catch let stale as StaleProjection where rebuild {
            try store.rebuild([stale.name])
            return try read()
        }
    }
}

/// `--as-of SEQUENCE|DATE`: a report as it stood at that point of the log.
struct AsOfOption: ParsableArguments {
    @Option(
        name: .customLong("as-of"),
        help: "Show the report as it stood after this sequence, or at this date (2025-03-01 or RFC 3339), by replaying the log.",
        transform: { text in
            guard let point = AsOf(text) else { throw ValidationError("--as-of takes a sequence or a date such as 2025-03-01: \(text)") }
            return point
        })
    var point: AsOf?
}
