import ArgumentParser
import AttestKit

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write an export bundle for an external quality assurer.",
        discussion: """
            Writes into the new directory DIR the records exactly as stored, the latest \
            signed checkpoint, the centre's public key and a SHA-256 digest of every stored \
            report entry (docs/format.md, Export bundles). With --learner, only that \
            learner's records, each with an RFC 9162 inclusion proof against the \
            checkpoint. The checkpoint must cover the whole log: run `attest checkpoint` first.

            Only you can read the bundle (files 0600, a new directory 0700); with --shared, \
            every user of this machine can (0644 and 0755), to hand it on through a shared folder.

            Example:
              attest checkpoint centre.store
              attest export centre.store bundle-2025/
              attest export centre.store learner-L000007/ --learner L000007
            """
    )

    @OptionGroup var location: StoreArgument

    @Argument(help: "The bundle directory to create (new or empty).")
    var directory: String

    @Option(help: "Export only this learner's records, with inclusion proofs.")
    var learner: String?

    @Flag(help: "Let every user of this machine read the bundle (files 0644, directory 0755) instead of only you (0600, 0700).")
    var shared = false

    func run() throws {
        let key = try SigningKey(contentsOf: SigningKey.path(inStore: location.store)).verifierKey
        let store = try openStore(location.store)
        do {
            let access: BundleAccess = shared ? .shared : .owner
            let summary = try learner.map { try store.exportBundle(to: directory, learner: $0, key: key, access: access) }
                ?? store.exportBundle(to: directory, key: key, access: access)
            let checkpoint = summary.checkpoint.checkpoint
            print("exported \(summary.manifest.records) records to \(directory), checkpoint of \(checkpoint.size) records, root \(checkpoint.root.hex)")
        } catch let error as BundleError {
            throw CommandFailure(error.description)
        }
    }
}
