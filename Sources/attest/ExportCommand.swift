import ArgumentParser
import AttestKit
import Foundation

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

            Personal fields stay sealed in the records: the bundle holds no learner's data \
            key unless --disclose names them, and then only theirs, each sealed to the EQA's \
            key given with --to (as `attest-replay keygen` prints it), so that the EQA sees \
            the personal data of the learners they sample and no one else's.

            Example:
              attest checkpoint centre.store
              attest export centre.store bundle-2025/
              attest export centre.store learner-L000007/ --learner L000007
              attest export centre.store visit-2025/ --disclose L000007 L000042 --to eqa.pub
            """
    )

    @OptionGroup var location: StoreArgument

    @Argument(help: "The bundle directory to create (new or empty).")
    var directory: String

    @Option(help: "Export only this learner's records, with inclusion proofs.")
    var learner: String?

    @Option(parsing: .upToNextOption, help: "Disclose these learners' data keys to the EQA of --to.")
    var disclose: [String] = []

    @Option(help: "The EQA's key to disclose to: a file holding it, or the key itself (attest-eqa-1:…).")
    var to: String?

    @Flag(help: "Let every user of this machine read the bundle (files 0644, directory 0755) instead of only you (0600, 0700).")
    var shared = false

    func validate() throws {
        if disclose.isEmpty != (to == nil) { throw ValidationError("--disclose and --to go together") }
    }

    func run() throws {
        let disclosure = try to.map { file in
            let recipient: EQARecipient
            do { recipient = try EQARecipient(text: contents(of: file)) } catch let error as DisclosureError {
                throw ValidationError("--to \(file): \(error), as `attest-replay keygen` prints it")
            }
            return Disclosure(learners: disclose, to: recipient)
        }
        let key = try SigningKey(contentsOf: SigningKey.path(inStore: location.store)).verifierKey
        let store = try openStore(location.store)
        do {
            let access: BundleAccess = shared ? .shared : .owner
            let summary = try learner.map { try store.exportBundle(to: directory, learner: $0, key: key, access: access, disclosing: disclosure) }
                ?? store.exportBundle(to: directory, key: key, access: access, disclosing: disclosure)
            let checkpoint = summary.checkpoint.checkpoint
            print("exported \(summary.manifest.records) records to \(directory), checkpoint of \(checkpoint.size) records, root \(checkpoint.root.hex)")
            if let disclosure { print("disclosed the data keys of \(disclosure.learners.joined(separator: ", ")) to \(disclosure.recipient)") }
        } catch let error as BundleError {
            throw CommandFailure(error.description)
        }
    }
}

/// The text of file `path` when there is one, else `path` itself: a key given inline.
func contents(of path: String) throws -> String {
    guard FileManager.default.fileExists(atPath: path) else { return path }
    guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("cannot read \(path)") }
    return String(decoding: data, as: UTF8.self)
}
