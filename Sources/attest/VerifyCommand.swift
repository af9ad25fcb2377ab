import ArgumentParser
import AttestKit
import Foundation
import Terminal

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the hash chain and the Merkle root from the stored records.",
        discussion: """
            First reads every page of the store's LMDB file and checks its layout; then \
            reads every record in order and checks that each carries its predecessor's \
            chain hash and that the recomputed head and Merkle root match the stored ones. \
            Exits 0 when the log verifies, 1 when it does not, naming the first bad sequence \
            or the first damaged page.

            Example:
              attest verify centre.store --json
            """
    )

    @OptionGroup var location: StoreArgument

    @OptionGroup var output: JSONOption

    func run() throws {
        var options = EnvironmentOptions()
        options.checkPages = true
        let log: EventLog
        do {
            log = try EventLog(openingAt: location.store, options: options)
        } catch let damage as StoreDamage {
            try refuse(["verified": false, "reason": damage.description], saying: damage.description)
        }
        let progress = ProgressBar(label: "verifying")
        do {
            let report = try log.verify(progress: progress?.update)
            progress?.finish()
            if output.json {
                print(#"{"chainHash":"\#(report.chainHash.hex)","merkleRoot":"\#(report.merkleRoot.hex)","records":\#(report.records),"verified":true}"#)
            } else {
                print("verified \(report.records) records")
                print("chain hash   \(report.chainHash.hex)")
                print("Merkle root  \(report.merkleRoot.hex)")
            }
        } catch let failure as VerificationFailure {
            progress?.finish()
            try refuse(
                ["verified": false, "sequence": failure.sequence, "reason": failure.reason],
                saying: "verification failed at sequence \(failure.sequence): \(failure.reason)")
        }
    }

    /// Prints `object` as JSON when asked for JSON, and `message` on standard error; exits 1.
    private func refuse(_ object: [String: Any], saying message: String) throws -> Never {
        if output.json {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
        FileHandle.standardError.write(Data("\(message)\n".utf8))
        throw ExitCode.failure
    }
}
