import ArgumentParser
import AttestKit
import Foundation

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Print the centre's public key, for external quality assurers.",
        discussion: """
            Prints the verifier key of the store's signing key, as one line \
            NAME+KEYHASH+BASE64 (docs/format.md). Give it to the EQA once, by a channel \
            you both trust; `attest-replay --key` checks checkpoints against it.

            With --create, first gives a store that has no signing key (one created \
            before stores had keys) its first, named as `attest init` names it; a store \
            that has one keeps it.

            Example:
              attest key centre.store > centre.pub
              attest key old.store --create --centre centre.example/1234 > centre.pub
            """
    )

    @OptionGroup var location: StoreArgument

    @Flag(help: "Create the store's first signing key, then print its public half.")
    var create = false

    @OptionGroup var centre: CentreOption

    func validate() throws {
        if centre.centre != nil, !create { throw ValidationError("--centre goes with --create") }
    }

    func run() throws {
        let path = SigningKey.path(inStore: location.store)
        if create {
            _ = try EventLog(openingAt: location.store)
            if FileManager.default.fileExists(atPath: path) {
                throw CommandFailure("\(path) already holds the centre's signing key; a centre keeps its key")
            }
            let key = try centre.newKey(forStore: location.store)
            try key.write(to: path)
            FileHandle.standardError.write(Data("signing key for \(key.name) in \(path)\n".utf8))
        }
        print(try SigningKey(contentsOf: path).verifierKey)
    }
}

struct CosignerKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cosigner-key",
        abstract: "Make an external quality assurer's own signing key, to cosign checkpoints they verified.",
        discussion: """
            Writes a new Ed25519 signing key named NAME to FILE (created, mode 0600: keep \
            it to yourself) and prints its public half, which you give to the centre and to \
            other EQAs. `attest-replay --cosign FILE` then adds your signature line to a \
            checkpoint it verified (docs/format.md, *Checkpoints*).

            Example:
              attest cosigner-key eqa.example/jo --out eqa.key > eqa.pub
            """
    )

    @Argument(help: "Your identity, naming your key and your signature lines (printable ASCII, no spaces or '+').")
    var name: String

    @Option(help: "The new key file.")
    var out: String

    func run() throws {
        let key: SigningKey
        do { key = try SigningKey(generatingFor: name) } catch { throw ValidationError("NAME: \(error)") }
        try key.write(to: out)
        print(key.verifierKey)
    }
}
