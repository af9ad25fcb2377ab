import ArgumentParser
import AttestKit
import Foundation

@main
struct Attest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest",
        abstract: "Keep a centre's assessment records in an append-only, verifiable log.",
        discussion: """
            A store is a directory holding an LMDB environment. Every event is appended \
            to a hash-chained log with a Merkle tree over it, so any later change to a \
            stored record is detected by `attest verify`.

            Example:
              attest init centre.store
              attest append centre.store events.ndjson
              attest verify centre.store
            """,
        subcommands: [
            InitCommand.self, SpecCommand.self, AppendCommand.self, GenerateCommand.self, TranscriptCommand.self, AuditCommand.self, RebuildCommand.self, LogCommand.self, HeadCommand.self, VerifyCommand.self,
            KeyCommand.self, CosignerKeyCommand.self, CheckpointCommand.self, CheckpointsCommand.self, ExportCommand.self, ProveCommand.self,
            BackupCommand.self, RestoreCommand.self, EraseCommand.self, RetentionCommand.self, SubjectAccessCommand.self,
            UserCommand.self, ServeCommand.self,
        ]
    )

    /// Runs the command. Exits 0 when it did what was asked, 1 when the store or the input
    /// is refused or damaged (a file error named by its path and reason), 2 when the
    /// command line is wrong.
    static func main() {
        StoreDamage.commands = "`attest restore`, then `attest-replay STORE`"
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let error = CommandFailure.readable(error)
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// The store directory argument shared by every command.
struct StoreArgument: ParsableArguments {
    @Argument(help: "The store directory.")
    var store: String
}
