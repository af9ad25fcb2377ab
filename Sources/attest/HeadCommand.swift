import ArgumentParser
import EventLog
import Merkle

struct HeadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "head",
        abstract: "Show the size of the log, its last chain hash and its Merkle root.",
        discussion: """
            Example:
              attest head centre.store --json
            """
    )

    @OptionGroup var location: StoreArgument

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let head = try EventLog(openingAt: location.store).head()
        if json {
            print(#"{"chainHash":"\#(head.chainHash.hex)","merkleRoot":"\#(head.merkleRoot.hex)","sequence":\#(head.sequence)}"#)
        } else {
            print("sequence     \(head.sequence)")
            print("chain hash   \(head.chainHash.hex)")
            print("Merkle root  \(head.merkleRoot.hex)")
        }
    }
}
