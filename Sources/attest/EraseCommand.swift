import ArgumentParser
import AttestKit

struct EraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a learner's personal data: record why, and destroy their data key.",
        discussion: """
            Appends learner.erased (checked by the rules; only a centre administrator may \
            record it), then destroys the learner's data key in the store's key store, so \
            that their names, date of birth, ULN and every other personal field sealed under \
            it can never be read again. Their records stay and still verify; their \
            transcript keeps their achievements and shows their personal data as erased. \
            Nothing more is recorded for them. Refused, with nothing changed, when a record \
            of theirs holds personal data in the clear (appended before the store sealed \
            personal fields). Copies of the key store in backups still hold the key until \
            they are deleted (docs/operations.md, Data protection).

            Example:
              attest erase centre.store L000042 --reason "retention period ended" --actor admin-1
            """
    )

    @OptionGroup var location: StoreArgument

    @Argument(help: "The learner's reference.")
    var learner: String

    @Option(help: "Why, in words that hold no personal data.")
    var reason: String

    @OptionGroup var recording: AdministratorOption

    func run() throws {
        let store = try openStore(location.store)
        do {
            let erasure = try store.erase(learner, reason: reason, by: recording.administrator)
            if let sequence = erasure.sequence {
                print("erased learner \(learner) at sequence \(sequence); their data key is destroyed")
            } else {
                print("learner \(learner) was already erased" + (erasure.keyDestroyed ? "; the data key left behind is destroyed now" : ""))
            }
        } catch let refusal as BatchRefusal {
            throw CommandFailure("\(refusal.reason); nothing was appended")
        } catch let refusal as ErasureRefusal {
            throw CommandFailure(refusal.description)
        }
    }
}
