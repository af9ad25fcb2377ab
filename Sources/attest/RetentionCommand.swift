import ArgumentParser
import AttestKit
import Foundation

struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "List the learners past the centre's retention period, and erase them.",
        discussion: """
            A learner's personal data is kept for the centre's retention period after they \
            were certificated, completed their specification or were withdrawn: 36 months \
            unless the centre set another with --set-months (kept in the store). Lists \
            those past it at the end of today (or of --on DATE) in the centre's time zone, \
            read from the transcripts, without their personal data. With --erase, erases \
            each of them as `attest erase` does, recording the period as the reason; their \
            achievements stay.

            Example:
              attest retention centre.store --set-months 72
              attest retention centre.store --on 2029-01-31 --json
              attest retention centre.store --erase --actor admin-1
            """
    )

    @OptionGroup var location: StoreArgument

    @Option(name: .customLong("set-months"), help: "Set the centre's retention period, in months, before listing.")
    var setMonths: Int?

    @Option(
        help: "Review as at the end of this day (2029-01-31) instead of today.",
        transform: { text in
            guard let day = CalendarDate(text) else { throw ValidationError("--on takes a date such as 2029-01-31: \(text)") }
            return day
        })
    var on: CalendarDate?

    @Flag(help: "Erase every learner listed.")
    var erase = false

    @Option(help: "With --erase: the centre administrator recording the erasures.")
    var actor: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var rebuild: RebuildOption

    func validate() throws {
        if erase != (actor != nil) { throw ValidationError("--erase and --actor go together") }
    }

    func run() throws {
        let store = try openStore(location.store)
        do {
            if let setMonths { try store.setRetention(months: setMonths) }
            let review = try rebuild.read(store) { try store.retentionReview(on: on) }
            if json { try printJSON(review) } else { print(RetentionTable(review).text) }
            guard erase, let actor else { return }
            let who = Actor.administrator(actor)
            for learner in review.due {
                do {
                    let erasure = try store.erase(learner.learner, reason: review.reason(learner), by: who)
                    print("erased learner \(learner.learner)" + (erasure.sequence.map { " at sequence \($0)" } ?? ""))
                } catch let refusal as BatchRefusal {
                    throw CommandFailure("learner \(learner.learner): \(refusal.reason); nothing was appended for them or those after them")
                } catch let refusal as ErasureRefusal {
                    throw CommandFailure("\(refusal.description); those after them were not erased")
                }
            }
        } catch let error as RetentionError {
            throw CommandFailure(error.description)
        }
    }
}

/// A retention review as a readable table.
struct RetentionTable {
    let review: RetentionReview

    init(_ review: RetentionReview) { self.review = review }

    var text: String {
        var lines = ["\(review.due.count) learners past the retention period of \(review.months) months on \(review.on)"]
        if !review.due.isEmpty {
            lines.append("LEARNER".column(14) + "STATUS".column(14) + "ENDED".column(30) + "PERIOD ENDED")
            lines += review.due.map { $0.learner.column(14) + $0.status.column(14) + $0.ended.column(30) + $0.periodEnded }
        }
        return lines.joined(separator: "\n")
    }
}
