import ArgumentParser
import AttestKit

/// `--months N`: how recent an assessor's last standardisation must be for the audit.
struct MonthsOption: ParsableArguments {
    @Option(help: "How recent an assessor's last standardisation must be, in months (1 to 1200).")
    var months = 12

    func validate() throws {
        guard Audit.standardisationMonths.contains(months) else {
            let allowed = Audit.standardisationMonths
            throw ValidationError("--months must be from \(allowed.lowerBound) to \(allowed.upperBound), not \(months)")
        }
    }
}
