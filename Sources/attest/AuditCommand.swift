import ArgumentParser
import AttestKit
import Foundation
import Pages

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show the centre's standardisation audit.",
        discussion: """
            Per assessor: decisions, learners, units and methods, decisions sampled, the \
            sample rate, agreements and disagreements, and the last standardisation \
            attended. Per IQA: samples (interim and summative) and standardisation led. Per \
            unit and method: decisions and samples. Then the gaps: assessors, units and \
            methods never sampled, assessors not standardised in the last --months, and \
            learners who achieved without a summative sample.

            With --grid, the IQA sampling grid instead: per assessor and unit, decisions, \
            decisions sampled and interim and summative samples; per assessor, their \
            qualification status, sample rate against the rate the centre's sampling \
            policy asks of that status, and their last standardisation. The policy asks \
            100% of an assessor working towards their qualification and 10% of a \
            qualified one unless the centre set others with --set-sampling-rate (kept in \
            the store).

            Example:
              attest audit centre.store --months 12 --html audit.html
              attest audit centre.store --as-of 2025-03-01 --json
              attest audit centre.store --set-sampling-rate qualified=20 --grid
            """
    )

    @OptionGroup var location: StoreArgument

    @OptionGroup var standardisation: MonthsOption

    @OptionGroup var output: ReportOutput

    @OptionGroup var rebuild: RebuildOption
    @OptionGroup var asOf: AsOfOption

    @Flag(help: "Show the IQA sampling grid instead of the audit.")
    var grid = false

    @Option(
        name: .customLong("set-sampling-rate"),
        help: "Set the sampling policy's rate for a qualification status before showing: qualified=PERCENT or working-towards=PERCENT.",
        transform: SamplingRate.init)
    var setSamplingRate: [SamplingRate] = []

    func validate() throws {
    }

    func run() throws {
        let store = try openStore(location.store)
        let date = try asOf.resolved(in: store)?.date ?? Date()
        do {
            for rate in setSamplingRate { try store.setSamplingRate(rate.percent, for: rate.status) }
            if grid {
                let grid = try rebuild.read(store) { try store.samplingGrid(months: standardisation.months, on: date, asOf: asOf.point) }
                return try output.show(grid, page: { PageRenderer().samplingGrid(grid) }, table: { SamplingGridTable(grid: grid, months: standardisation.months).text })
            }
        } catch let error as AuditRequestError {
            throw CommandFailure(error.description)
        }
        let audit = try rebuild.read(store) { try store.audit(months: standardisation.months, on: date, asOf: asOf.point) }
        try output.show(
            audit, page: { PageRenderer().audit(audit, months: standardisation.months, on: date) },
            table: { AuditTable(audit: audit, months: standardisation.months).text })
    }
}

/// A rate of the sampling policy as `--set-sampling-rate` takes it: `qualified=20`.
struct SamplingRate {
    let status: Attest_V1_QualificationStatus
    let percent: Double

    init(_ text: String) throws {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        let statuses: [String: Attest_V1_QualificationStatus] = ["qualified": .qualified, "working-towards": .workingTowards]
        guard parts.count == 2, let status = statuses[parts[0]], let percent = Double(parts[1]), (0...100).contains(percent) else {
            throw ValidationError("--set-sampling-rate takes qualified=PERCENT or working-towards=PERCENT, a percentage from 0 to 100: \(text)")
        }
        (self.status, self.percent) = (status, percent)
    }
}

/// The sampling grid as readable text: the assessors with their rates and flags, then the
/// grid itself, each cell `sampled/decisions`.
struct SamplingGridTable {
    let grid: SamplingGrid
    let months: Int

    var text: String {
        let percent = { (rate: Double) in String(format: "%g%%", rate * 100) }
        var lines = [
            "Sampling policy: \(percent(grid.policy.qualified)) of a qualified assessor's decisions, \(percent(grid.policy.workingTowards)) of one working towards",
            "",
            "ASSESSOR              STATUS           DECISIONS  SAMPLED  RATE    POLICY  LAST STANDARDISATION          FLAGS",
        ]
        for a in grid.assessors {
            let flags = [a.neverSampled ? "never sampled" : nil, a.belowPolicy ? "below policy" : nil,
                         a.standardisationGap ? "not standardised in \(months) months" : nil].compactMap { $0 }
            lines.append(
                a.id.column(22) + a.status.column(17) + String(a.decisions).column(11) + String(a.sampled).column(9)
                    + String(format: "%.1f%%", a.sampleRate * 100).column(8) + percent(a.policyRate).column(8)
                    + (a.lastStandardisation ?? "never").column(30) + flags.joined(separator: ", "))
        }
        lines += ["", "Cells: decisions sampled/made (! none sampled)", "ASSESSOR".column(22) + grid.units.map { $0.column(12) }.joined()]
        for a in grid.assessors {
            let cells = Dictionary(uniqueKeysWithValues: a.cells.map { ($0.unit, $0) })
            lines.append(a.id.column(22) + grid.units.map { unit in
                guard let cell = cells[unit] else { return "-".column(12) }
                return "\(cell.sampled)/\(cell.decisions)\(cell.neverSampled ? "!" : "")".column(12)
            }.joined())
        }
        return lines.joined(separator: "\n")
    }
}

/// The audit as readable text.
struct AuditTable {
    let audit: Audit
    let months: Int

    var text: String {
        var lines = ["ASSESSOR              DECISIONS  LEARNERS  SAMPLED  RATE    AGREED  DISAGREED  LAST STANDARDISATION"]
        for a in audit.assessors {
            lines.append(
                a.id.column(22) + String(a.decisions).column(11) + String(a.learners).column(10) + String(a.sampled).column(9)
                    + String(format: "%.1f%%", a.sampleRate * 100).column(8) + String(a.agreed).column(8)
                    + String(a.disagreed).column(11) + (a.lastStandardisation ?? "never"))
        }
        lines += ["", "IQA                   SAMPLES  INTERIM  SUMMATIVE  STANDARDISATIONS LED"]
        for i in audit.iqas {
            lines.append(i.id.column(22) + String(i.samples).column(9) + String(i.interim).column(9) + String(i.summative).column(11) + String(i.standardisationsLed))
        }
        lines += ["", "UNIT                  DECISIONS  SAMPLED"]
        lines += audit.units.map { $0.unit.column(22) + String($0.decisions).column(11) + String($0.sampled) }
        lines += ["", "METHOD                DECISIONS  SAMPLED"]
        lines += audit.methods.map { $0.method.column(22) + String($0.decisions).column(11) + String($0.sampled) }
        let gaps = audit.gaps
        lines += [
            "", "Gaps",
            "  assessors never sampled: " + gaps.assessorsNeverSampled.listed,
            "  units never sampled: " + gaps.unitsNeverSampled.listed,
            "  methods never sampled: " + gaps.methodsNeverSampled.listed,
            "  assessors not standardised in \(months) months: " + gaps.assessorsNotStandardised.listed,
            "  learners achieved without a summative sample: " + gaps.learnersAchievedWithoutSummativeSample.listed,
            "  competence met with no performance evidence: " + gaps.competenceWithoutPerformanceEvidence.summary,
        ]
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// Left-aligned in `width` characters, with at least one space after.
    func column(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}

extension [String] {
    var listed: String { isEmpty ? "none" : joined(separator: ", ") }
}

extension [Audit.CompetenceGap] {
    /// How many criteria of how many learners, and the first few: `--json` lists them all.
    var summary: String {
        guard !isEmpty else { return "none" }
        let learners = Set(map(\.learner)).count
        let first = prefix(3).map { "\($0.learner) \($0.unit) \($0.criterion) (\($0.methods.joined(separator: ", ")))" }
        return "\(count) criteria of \(learners) learners: " + first.joined(separator: "; ") + (count > 3 ? "; …" : "")
    }
}
