import ArgumentParser
import Checkpoints

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Print the centre's public key, for external quality assurers.",
        discussion: """
            Prints the verifier key of the store's signing key, as one line \
            NAME+KEYHASH+BASE64 (docs/format.md). Give it to the EQA once, by a channel \
            you both trust; `attest-replay --key` checks checkpoints against it.

            Example:
              attest key centre.store > centre.pub
            """
    )

    @OptionGroup var location: StoreArgument

    func run() throws {
        print(try SigningKey(contentsOf: SigningKey.path(inStore: location.store)).verifierKey)
    }
}
