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

    @Option(help: "Review as at the end of this day (2029-01-31) instead of today.")
    var on: String?

    @Flag(help: "Erase every learner listed.")
    var erase = false

    @Option(help: "With --erase: the centre administrator recording the erasures.")
    var actor: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var rebuild: RebuildOption

    func validate() throws {
        if erase != (actor != nil) { throw ValidationError("--erase and --actor go together") }
        if let on, CalendarDate(on) == nil { throw ValidationError("--on takes a date such as 2029-01-31: \(on)") }
    }

    func run() throws {
        let store = try openStore(location.store)
        do {
            if let setMonths { try store.setRetention(months: setMonths) }
            let day = on.flatMap(CalendarDate.init).map { $0.start(in: store.timeZone) } ?? Date()
            let review = try rebuild.read(store) { try store.retentionReview(on: day) }
            if json { try printJSON(review) } else { print(review.text) }
            guard erase, let actor else { return }
            var who = Actor()
            who.id = actor
            who.role = Attest_V1_StaffRole.centreAdministrator.envelopeName
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
