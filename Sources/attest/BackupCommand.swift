import ArgumentParser
import AttestKit
import Foundation

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a store and its signing key into a new directory.",
        discussion: """
            Copies the store's LMDB environment as of one commit (compacted: free pages \
            left out) and the centre's signing key, centre.key, while other processes go on \
            reading and appending. The copy is written beside DIRECTORY, verified (chain, Merkle \
            root, every checkpoint against the key), and only then renamed to DIRECTORY, so a \
            directory of that name is a whole backup. It must be new or empty. The backup is \
            0700 and its files 0600: it holds the key, so keep it as safe as the store.

            `attest restore` puts a backup back in place (docs/operations.md).

            Example:
              attest backup centre.store backups/2026-11-23
            """
    )

    @OptionGroup var location: StoreArgument

    @Argument(help: "The backup directory to create (new or empty).")
    var directory: String

    func run() throws {
        let summary = try StoreBackup.write(store: location.store, to: directory)
        print("backed up \(location.store) to \(directory)")
        printSummary(summary)
        if summary.centre == nil {
            let advice = summary.checkpoints > 0
                ? "the backup cannot be restored until the key is put beside it"
                : "`attest key \(location.store) --create` gives it one"
            FileHandle.standardError.write(Data("warning: \(location.store) has no \(SigningKey.fileName): \(advice)\n".utf8))
        }
    }
}

/// Prints what a backup or a restored store holds.
func printSummary(_ summary: BackupSummary) {
    print("sequence     \(summary.head.sequence)")
    print("chain hash   \(summary.head.chainHash.hex)")
    print("Merkle root  \(summary.head.merkleRoot.hex)")
    print("checkpoints  \(summary.checkpoints)" + (summary.centre.map { summary.checkpoints > 0 ? ", signed by \($0)'s key" : "" } ?? ""))
    print("files        " + summary.files.map { "\($0.name) (\($0.bytes) bytes)" }.joined(separator: ", ") + ", mode 0600")
    if !summary.leftOut.isEmpty {
        print("left out     " + summary.leftOut.joined(separator: ", ") + " (not part of the store)")
    }
}
