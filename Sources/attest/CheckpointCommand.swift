import ArgumentParser
import AttestKit
import Foundation

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
        abstract: "List the signed checkpoints kept in the store, with the EQAs' cosignatures.",
        discussion: """
            Lists every checkpoint, oldest first: its number, size, root, time and who \
            cosigned it, or with --notes each signed note in full, separated by blank lines.

            With --add-cosigned, first keeps the cosignature an EQA returned \
            (`attest-replay --cosign`): the file must be a checkpoint the store keeps, \
            signed by the centre's key, with a signature line that the EQA's public key \
            given by --cosigner verifies.

            Example:
              attest checkpoints centre.store --json
              attest checkpoints centre.store --add-cosigned visit-3.cosigned --cosigner eqa.pub
            """
    )

    @OptionGroup var location: StoreArgument

    @Option(name: .customLong("add-cosigned"), help: "A checkpoint cosigned by an EQA (a file), whose cosignature to keep.")
    var addCosigned: String?

    @Option(help: "The EQA's public key (a file, or the key itself), as `attest cosigner-key` printed it.")
    var cosigner: String?

    @OptionGroup var output: JSONOption

    @Flag(help: "Print the signed notes themselves.")
    var notes = false

    func validate() throws {
        if (addCosigned == nil) != (cosigner == nil) { throw ValidationError("--add-cosigned and --cosigner go together") }
    }

    func run() throws {
        let log = try CheckpointLog(log: EventLog(openingAt: location.store))
        if let addCosigned, let cosigner {
            let centre = try SigningKey(contentsOf: SigningKey.path(inStore: location.store)).verifierKey
            let text = FileManager.default.fileExists(atPath: cosigner) ? try readText(cosigner) : cosigner
            let key: VerifierKey
            do { key = try VerifierKey(text: text) } catch { throw ValidationError("--cosigner: \(error)") }
            do {
                let number = try log.addCosignatures(from: SignedCheckpoint(parsing: readText(addCosigned)), cosigner: key, centre: centre)
                FileHandle.standardError.write(Data("kept the cosignature of \(key.name) on checkpoint \(number)\n".utf8))
            } catch let error as CheckpointError {
                throw CommandFailure("\(addCosigned): \(error)")
            }
        }
        let checkpoints = try log.all()
        if output.json {
            try printJSON(try log.listings())
        } else if notes {
            print(checkpoints.map(\.encoded).joined(separator: "\n"), terminator: "")
        } else {
            if checkpoints.isEmpty { print("no checkpoints: `attest checkpoint \(location.store)` signs one") }
            for (number, signed) in checkpoints.enumerated() {
                let c = signed.checkpoint
                let cosigners = signed.cosignatures.map(\.name)
                print("\(number + 1)  size \(c.size)  root \(c.root.hex)  \(c.time.map { Timestamp.format($0) } ?? "(no time line)")"
                    + (cosigners.isEmpty ? "" : "  cosigned by \(cosigners.joined(separator: ", "))"))
            }
        }
    }

    private func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        return String(decoding: data, as: UTF8.self)
    }
}
