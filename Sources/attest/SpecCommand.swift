import ArgumentParser
import AttestKit
import Foundation

struct SpecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spec",
        abstract: "Work with qualification specifications.",
        subcommands: [SpecImportCommand.self]
    )
}

struct SpecImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a specification, or a revision of one, as an event.",
        discussion: """
            Reads a specification in the proto3 JSON form of attest.v1.Specification \
            (see Schemas/qualifications/): a QUALIFICATION, a STANDALONE_UNIT or an \
            OCCUPATIONAL_STANDARD, whose shape must fit its kind. The first import of an \
            id is version 1; a revised file appends the next version; a file identical to \
            the latest version appends nothing. Only a centre administrator may import.

            Example:
              attest spec import centre.store Schemas/qualifications/603-4767-3.json --actor admin-1
            """
    )

    @OptionGroup var location: StoreArgument

    @Argument(help: "The specification file (JSON).")
    var file: String

    @OptionGroup var recording: AdministratorOption

    func run() throws {
        let store = try openStore(location.store)
        let json = try readInput(file)
        do {
            switch try store.importSpecification(json: json, actor: recording.actor) {
            case let .imported(id, version, sequence):
                print("imported \(id) version \(version) at sequence \(sequence)")
            case let .unchanged(id, version):
                print("\(id) version \(version) is identical; nothing was appended")
            }
        } catch let refusal as BatchRefusal {
            throw CommandFailure("\(file): \(refusal.reason); nothing was appended")
        }
    }
}
