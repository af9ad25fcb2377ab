import ArgumentParser
import Assessment
import Checkpoints
import Foundation

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new, empty store and the centre's signing key.",
        discussion: """
            Creates the directory when it does not exist. Refuses a directory that \
            already holds a store. The centre's Ed25519 signing key is written to \
            STORE/centre.key (mode 0600), beside the LMDB files and never inside them; \
            `attest key STORE` prints its public half for external quality assurers.

            Example:
              attest init centre.store --centre centre.example/1234
            """
    )

    @OptionGroup var location: StoreArgument

    @Option(help: "The centre's identity, naming its key and its checkpoints (printable ASCII, no spaces or '+'; default: the store directory's name).")
    var centre: String?

    func run() throws {
        // By default the directory's name, with anything a key name cannot hold made a '-'.
        let name = centre ?? String(URL(fileURLWithPath: location.store).standardizedFileURL.lastPathComponent.unicodeScalars.map {
            $0.value > 0x20 && $0.value < 0x7F && $0 != "+" ? Character($0) : "-"
        })
        let key: SigningKey
        do { key = try SigningKey(generatingFor: name) } catch { throw ValidationError("--centre: \(error)") }
        _ = try CentreStore.create(at: location.store, projections: CentreStore.reports)
        try key.write(to: SigningKey.path(inStore: location.store))
        print("created an empty store in \(location.store)")
        print("signing key for \(name) in \(SigningKey.path(inStore: location.store))")
    }
}
