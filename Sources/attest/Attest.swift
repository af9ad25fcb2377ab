import ArgumentParser

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
            KeyCommand.self, CheckpointCommand.self, CheckpointsCommand.self, ExportCommand.self, ProveCommand.self,
            BackupCommand.self, RestoreCommand.self,
        ]
    )
}

/// The store directory argument shared by every command.
struct StoreArgument: ParsableArguments {
    @Argument(help: "The store directory.")
    var store: String
}
