import ArgumentParser
import AttestKit

struct ProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Print a consistency proof from an older log size to the current one.",
        discussion: """
            Prints the RFC 9162 consistency proof that the log's first N records (an \
            older checkpoint's size) are a prefix of the log at its latest checkpoint (or \
            --to-size): a header line, both roots and one base64 hash a line \
            (docs/format.md), or JSON with hex hashes.

            Example:
              attest prove centre.store --from-size 12000
            """
    )

    @OptionGroup var location: StoreArgument

    @Option(name: .customLong("from-size"), help: "The older size (an earlier checkpoint's).")
    var fromSize: UInt64

    @Option(name: .customLong("to-size"), help: "The newer size (default: the latest checkpoint's, or the head when none was taken).")
    var toSize: UInt64?

    @OptionGroup var output: JSONOption

    func run() throws {
        let log = try EventLog(openingAt: location.store)
        let newSize = try toSize ?? CheckpointLog(log: log).all().last?.checkpoint.size
        let proof: ConsistencyProof
        do {
            proof = try log.consistencyProof(from: fromSize, to: newSize)
        } catch let error as CheckpointError {
            throw ValidationError(error.description)
        }
        if output.json { try printJSON(proof) } else { print(proof.text, terminator: "") }
    }
}
