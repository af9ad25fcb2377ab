import ArgumentParser
import AttestKit
import Foundation
import Terminal

struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild reports from the log and swap them in at once.",
        discussion: """
            Replays the log into fresh databases and swaps each report in with one \
            transaction. Readers, in this process or others, see the old report until the \
            swap, never a half-built one; a rebuild that fails or is killed leaves the old \
            report in place. Appends may go on meanwhile. Reports: transcripts, audit.

            With --dry-run nothing is written: the log is replayed in memory and each \
            stored report is compared with its rebuilt self, learner by learner and figure \
            by figure. Use it before rebuilding after an upgrade that changes a report's \
            version (see docs/operations.md).

            Example:
              attest rebuild centre.store
              attest rebuild centre.store transcripts
              attest rebuild centre.store --dry-run
              attest rebuild centre.store transcripts --dry-run --json
            """
    )

    @OptionGroup var location: StoreArgument

    @Argument(help: "The reports to rebuild (all when none is named).")
    var names: [String] = []

    @Flag(help: "List what a rebuild would change, and change nothing.")
    var dryRun = false

    @Flag(help: "With --dry-run: print the changes as one line of JSON.")
    var json = false

    @OptionGroup var standardisation: MonthsOption

    func validate() throws {
        if json, !dryRun { throw ValidationError("--json goes with --dry-run: a rebuild itself prints one line") }
    }

    func run() throws {
        let store = try openStore(location.store)
        if dryRun {
            let review = try store.reviewRebuild(names, months: standardisation.months)
            if json { try printJSON(review) } else { print(Self.describe(review)) }
            return
        }
        let progress = ProgressBar(label: "rebuilding")
        let started = Date()
        try store.rebuild(names, progress: progress?.update)
        progress?.finish()
        let head = try store.log.head().sequence
        print("rebuilt \(names.isEmpty ? "all reports" : names.joined(separator: ", ")) from \(head) records in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    /// The review as lines of text: per report a summary, then each learner's changes.
    static func describe(_ review: RebuildReview) -> String {
        var lines = ["dry run: \(review.records) records replayed in memory; the store was not changed"]
        func version(_ name: String) -> String {
            guard let report = review.reports.first(where: { $0.name == name }) else { return "" }
            guard report.storedVersion != report.codeVersion else { return " (version \(report.codeVersion))" }
            return " (stored by version \(report.storedVersion.map(String.init) ?? "none"), rebuilt by version \(report.codeVersion))"
        }
        func figure(_ change: RebuildReview.Change) -> String {
            "\(change.figure): \(change.stored ?? "absent") → \(change.rebuilt ?? "absent")"
        }
        if let transcripts = review.transcripts {
            lines.append("transcripts\(version("transcripts")): \(transcripts.count) of \(review.learners) learners change")
            for learner in transcripts {
                lines.append("  learner \(learner.learner): \(learner.areas.joined(separator: ", "))")
                lines += learner.changes.map { "    " + figure($0) }
            }
        }
        if let audit = review.audit {
            lines.append("audit\(version("audit")): \(audit.count) figure\(audit.count == 1 ? "" : "s") change")
            lines += audit.map { "  " + figure($0) }
        }
        return lines.joined(separator: "\n")
    }
}

/// The option to rebuild a stale report before showing it.
struct RebuildOption: ParsableArguments {
    @Flag(help: "Rebuild the report from the log first if it is stale.")
    var rebuild = false

    /// Runs `read`; when a report it reads is stale and --rebuild was given, rebuilds that
    /// report and reads again (a report may read several, the audit the transcripts' too).
    func read<R>(_ store: CentreStore, _ read: () throws -> R) throws -> R {
        var rebuilt: Set<String> = []
        while true {
            do {
                return try read()
            } catch let stale as StaleProjection where rebuild && !rebuilt.contains(stale.name) {
                try store.rebuild([stale.name])
                rebuilt.insert(stale.name)
            }
        }
    }
}

/// `--as-of SEQUENCE|DATE`: a report as it stood at that point of the log.
struct AsOfOption: ParsableArguments {
    @Option(
        name: .customLong("as-of"),
        help: "Show the report as it stood after this sequence, or at this date (2025-03-01, the end of that day in the centre's time zone, or RFC 3339), by replaying the log.",
        transform: { text in
            guard let point = AsOf(text) else { throw ValidationError("--as-of takes a sequence or a date such as 2025-03-01: \(text)") }
            return point
        })
    var point: AsOf?

    /// The point on `store`'s calendar, or `nil` without --as-of.
    /// - Throws: `EmptyHistory` naming the point when the log held no record then.
    func resolved(in store: CentreStore) throws -> HistoryPoint? {
        try point.map(store.historyPoint)
    }
}
