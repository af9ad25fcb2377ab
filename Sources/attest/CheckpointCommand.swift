import ArgumentParser
import AttestKit

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign a checkpoint of the log and keep it in the store.",
        discussion: """
            Signs the log's size, Merkle root, the time and the centre's identity with the \
            centre's key, keeps the checkpoint in the store and prints it as a signed note \
            (docs/format.md). An EQA keeps the printed checkpoint to check on the next \
            visit that the log only grew.

            Example:
              attest checkpoint centre.store > visit-2025.checkpoint
            """
    )

    @OptionGroup var location: StoreArgument

    func run() throws {
        let key = try SigningKey(contentsOf: SigningKey.path(inStore: location.store))
        let store = try openStore(location.store)
        let signed = try CheckpointLog(log: store.log, create: true).record(signedBy: key)
        print(signed.encoded, terminator: "")
    }
}

struct CheckpointsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoints",
        abstract: "List the signed checkpoints kept in the store.",
        discussion: """
            Lists every checkpoint, oldest first: its number, size, root and time, or \
            with --notes each signed note in full, separated by blank lines.

            Example:
              attest checkpoints centre.store --json
            """
    )

    @OptionGroup var location: StoreArgument

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Flag(help: "Print the signed notes themselves.")
    var notes = false

    func run() throws {
        let checkpoints = try CheckpointLog(log: EventLog(openingAt: location.store)).all()
        if json {
            try printJSON(checkpoints.enumerated().map { number, signed in
                Listed(number: number + 1, origin: signed.checkpoint.origin, size: signed.checkpoint.size,
                       root: signed.checkpoint.root.hex, time: signed.checkpoint.time.map { Timestamp.format($0) } ?? "", note: signed.encoded)
            })
        } else if notes {
            print(checkpoints.map(\.encoded).joined(separator: "\n"), terminator: "")
        } else {
            if checkpoints.isEmpty { print("no checkpoints: `attest checkpoint \(location.store)` signs one") }
            for (number, signed) in checkpoints.enumerated() {
                let c = signed.checkpoint
                print("\(number + 1)  size \(c.size)  root \(c.root.hex)  \(c.time.map { Timestamp.format($0) } ?? "(no time line)")")
            }
        }
    }

    private struct Listed: Encodable {
        let number: Int
        let origin: String
        let size: UInt64
        let root: String
        let time: String
        let note: String
    }
}
