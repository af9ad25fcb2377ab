import ArgumentParser
import AttestKit
import Foundation
import Simulation

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write the NDJSON of a realistic, deterministic centre.",
        discussion: """
            Writes to standard output, from an empty store on: the administrator's \
            registration, the import of 603/4767/3, staff, learners and their evidence, \
            decisions, sampling, RPL, reasonable adjustments, standardisation and \
            withdrawals, every event valid under the rules. The same options always give \
            the same bytes.

            Example:
              attest init centre.store
              attest generate --learners 1000 --seed 7 | attest append centre.store - --batch-size 1000
            """
    )

    @Option(help: "How many learners the centre has (1 to 1,000,000).")
    var learners = 100

    @Option(help: "The seed: another seed gives another centre of the same size.")
    var seed: UInt64 = 1

    func validate() throws {
        guard (1...1_000_000).contains(learners) else {
            throw ValidationError("--learners must be from 1 to 1000000, not \(learners)")
        }
    }

    func run() throws {
        var output = BufferedOutput()
        try CentreGenerator(learners: learners, seed: seed, specification: Qualifications.customerServiceLevel2)
            .generate { output.write($0) }
        output.flush()
    }
}
