import ArgumentParser
import AttestKit
import Foundation

/// `--centre NAME`: the centre's identity, which names its signing key and its checkpoints.
struct CentreOption: ParsableArguments {
    @Option(help: "The centre's identity, naming its key and its checkpoints (printable ASCII, no spaces or '+'; default: the store directory's name).")
    var centre: String?

    /// A new signing key for the centre whose store is directory `store`.
    func newKey(forStore store: String) throws -> SigningKey {
        // By default the directory's name, with anything a key name cannot hold made a '-'.
        let name = centre ?? String(URL(fileURLWithPath: store).standardizedFileURL.lastPathComponent.unicodeScalars.map {
            $0.value > 0x20 && $0.value < 0x7F && $0 != "+" ? Character($0) : "-"
        })
        do { return try SigningKey(generatingFor: name) } catch { throw ValidationError("--centre: \(error)") }
    }
}

/// `--actor ID`: the centre administrator recording a change made for the centre itself.
struct AdministratorOption: ParsableArguments {
    @Option(help: "The centre administrator recording it (their staff id).")
    var actor: String

    var administrator: Actor { .administrator(actor) }
}
