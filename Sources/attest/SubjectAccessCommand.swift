import ArgumentParser
import AttestKit
import Foundation
import Pages

struct SubjectAccessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subject-access",
        abstract: "Write everything the store holds about a learner, to answer a subject access request.",
        discussion: """
            Prints, as JSON, every record the log holds about the learner (oldest first, \
            each with its sequence, event, actor and payload, personal fields opened with \
            the learner's data key) and their transcript, and whether the store still \
            holds their key. No other learner's records are included; staff appear by \
            their references. With --html, also writes it as a printable page to hand to \
            the learner. The output holds personal data: keep it and send it securely.

            Example:
              attest subject-access centre.store L000007 --html L000007-subject-access.html > L000007-subject-access.json
            """
    )

    @OptionGroup var location: StoreArgument

    @Argument(help: "The learner's reference.")
    var learner: String

    @Option(help: "Also write it as a self-contained, printable HTML page to this file.")
    var html: String?

    @OptionGroup var rebuild: RebuildOption

    func run() throws {
        let store = try openStore(location.store)
        guard let answer = try rebuild.read(store, { try store.subjectAccess(of: learner) }) else {
            throw CommandFailure("the log of \(location.store) holds no record of learner \(Quote.value(learner))")
        }
        if let html { try PageRenderer().subjectAccess(answer).write(toFile: html, atomically: true, encoding: .utf8) }
        FileHandle.standardOutput.write(try answer.json() + Data("\n".utf8))
    }
}
