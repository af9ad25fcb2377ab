import ArgumentParser
import AttestKit
import Foundation
import Pages

struct TranscriptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcript",
        abstract: "Show a learner's progress against their qualification, unit or standard.",
        discussion: """
            Every unit of the learner's specification version with its group, credits and \
            status (or a standard's performance criteria and knowledge items), each \
            criterion's status and how it was met, credits beside what the rules of \
            combination require, what is still missing, adjustments in force and IQA \
            samples. A decision disagreed at sampling does not count until it is revised; \
            withdrawn evidence and revoked RPL do not count. --json gives the figures \
            named in docs/reports.md.

            Example:
              attest transcript centre.store L000007 --json --html L000007.html
              attest transcript centre.store L000007 --as-of 2025-03-01
            """
    )

    @OptionGroup var location: StoreArgument

    @Argument(help: "The learner's id (ULN).")
    var learner: String

    @OptionGroup var output: ReportOutput

    @OptionGroup var rebuild: RebuildOption
    @OptionGroup var asOf: AsOfOption

    func run() throws {
        let store = try openStore(location.store)
        _ = try asOf.resolved(in: store)
        guard let transcript = try rebuild.read(store, { try store.transcript(of: learner, asOf: asOf.point) }) else {
            throw CommandFailure("learner \(Quote.value(learner)) is not registered in \(location.store)")
        }
        // The learner's records beside the transcript as it stands now; as of an earlier point, the transcript alone.
        let events = asOf.point == nil ? try LearnerView.events(of: learner, in: store) : nil
        try output.show(transcript, page: { PageRenderer().transcript(transcript, events: events) }, table: { TranscriptTable(transcript).text })
    }
}

/// A transcript as a readable table.
struct TranscriptTable {
    let transcript: Transcript

    init(_ transcript: Transcript) { self.transcript = transcript }

    var text: String {
        let t = transcript
        var lines = ["Learner \(t.learnerHeading): \(t.specificationLine)", t.statusLine.prefix(1).uppercased() + t.statusLine.dropFirst()]
        if !t.shortfalls.isEmpty { lines.append("Still to achieve: " + t.shortfalls.joined(separator: ", ")) }
        if !t.units.isEmpty {
            lines += ["", "UNIT         GROUP  CREDITS  STATUS           CRITERIA MET"]
            for unit in t.units {
                let met = unit.criteria.filter { $0.status == "met" }.count
                lines.append(
                    unit.unit.column(13) + unit.group.column(7) + String(unit.credits).column(9)
                        + unit.status.replacingOccurrences(of: "_", with: " ").column(17) + "\(met)/\(unit.criteria.count)")
            }
        }
        for (title, items) in [("PERFORMANCE CRITERIA", t.performanceCriteria), ("KNOWLEDGE", t.knowledge)] {
            guard let items else { continue }
            lines += ["", title.column(22) + "STATUS"] + items.map { $0.id.column(22) + $0.status.replacingOccurrences(of: "_", with: " ") }
        }
        if !t.adjustments.isEmpty {
            lines += ["", "Adjustments in force:"] + t.adjustments.map { "  \($0.id): \($0.arrangement)" }
        }
        if !t.samples.isEmpty {
            lines += ["", "IQA samples:"] + t.samples.map { "  \($0.id) of \($0.assessment): \($0.stage), \($0.outcome), by \($0.iqa) at \($0.sampledAt)" }
        }
        return lines.joined(separator: "\n")
    }
}
