import ArgumentParser
import AttestKit
import Foundation

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

            Example:
              attest audit centre.store --months 12 --html audit.html
              attest audit centre.store --as-of 2025-03-01 --json
            """
    )

    @OptionGroup var location: StoreArgument

    @OptionGroup var standardisation: MonthsOption

    @OptionGroup var output: ReportOutput

    @OptionGroup var rebuild: RebuildOption
    @OptionGroup var asOf: AsOfOption

    func run() throws {
        let store = try openStore(location.store)
        let date = try asOf.resolved(in: store)?.date ?? Date()
        let audit = try rebuild.read(store) { try store.audit(months: standardisation.months, on: date, asOf: asOf.point) }
        try output.show(
            audit, page: { AuditPage(audit: audit, months: standardisation.months).html },
            table: { AuditTable(audit: audit, months: standardisation.months).text })
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
