import ArgumentParser
import AttestKit
import Foundation

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Check a backup and put it in place as a new store.",
        discussion: """
            Copies the backup's data.mdb and centre.key beside STORE, checks the copy (it \
            opens, its chain and Merkle root verify up to its head, and every checkpoint it \
            keeps is signed by its key and matches its log) and only then renames it to \
            STORE, 0700 with files 0600. Refuses a STORE that exists and is not empty: move \
            a damaged store aside first. The backup itself is not changed.

            Example:
              mv centre.store centre.store.damaged
              attest restore backups/2026-11-23 centre.store
            """
    )

    @Argument(help: "The backup directory, written by `attest backup`.")
    var backup: String

    @OptionGroup var location: StoreArgument

    func run() throws {
        let summary = try StoreBackup.restore(from: backup, to: location.store)
        print("restored \(backup) to \(location.store)")
        printSummary(summary)
        if summary.centre == nil {
            let key = SigningKey.path(inStore: location.store)
            let warning = "warning: \(backup) holds no \(SigningKey.fileName): if the store had one, copy it to \(key) (mode 0600); "
                + "otherwise `attest key \(location.store) --create` gives the store its first\n"
            FileHandle.standardError.write(Data(warning.utf8))
        }
        // A backup never holds the learners' keys (docs/operations.md, Data protection).
        let note = "note: the learners' data keys are not in a backup: until you put the data.mdb of your latest key backup "
            + "in \(location.store)/keys/ (mode 0600), the store verifies and replays but shows no learner's personal data\n"
        FileHandle.standardError.write(Data(note.utf8))
    }
}
