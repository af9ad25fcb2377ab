import ArgumentParser
import AttestKit

struct HeadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "head",
        abstract: "Show the size of the log, its last chain hash, its Merkle root and the centre's time zone.",
        discussion: """
            Example:
              attest head centre.store --json
            """
    )

    @OptionGroup var location: StoreArgument

    @OptionGroup var output: JSONOption

    func run() throws {
        let log = try EventLog(openingAt: location.store)
        let head = try log.head()
        let timeZone = try log.timeZone().identifier
        if output.json {
            print(#"{"chainHash":"\#(head.chainHash.hex)","merkleRoot":"\#(head.merkleRoot.hex)","sequence":\#(head.sequence),"timeZone":"\#(timeZone)"}"#)
        } else {
            print("sequence     \(head.sequence)")
            print("chain hash   \(head.chainHash.hex)")
            print("Merkle root  \(head.merkleRoot.hex)")
            print("time zone    \(timeZone)")
        }
    }
}
