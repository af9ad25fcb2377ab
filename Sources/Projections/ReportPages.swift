import Foundation

/// The audit as a printable page, with a chart of sample rates by assessor and by unit.
public struct AuditPage {
    public let audit: Audit
    public let months: Int

    public init(audit: Audit, months: Int) {
        self.audit = audit
        self.months = months
    }

    public var html: String {
        var page = HTMLPage(title: "Standardisation audit")
        page.heading("Sample rates by assessor")
        page.barChart(audit.assessors.map { ($0.id, $0.sampleRate) })
        page.heading("Sample rates by unit")
        page.barChart(audit.units.map { ($0.unit, $0.decisions == 0 ? 0 : Double($0.sampled) / Double($0.decisions)) })
        page.heading("Assessors")
        page.table(
            ["Assessor", "Decisions", "Learners", "Sampled", "Rate", "Agreed", "Disagreed", "Last standardisation"],
            audit.assessors.map {
                [$0.id, "\($0.decisions)", "\($0.learners)", "\($0.sampled)", String(format: "%.1f%%", $0.sampleRate * 100),
                 "\($0.agreed)", "\($0.disagreed)", $0.lastStandardisation ?? "never"]
            })
        page.heading("Internal quality assurers")
        page.table(
            ["IQA", "Samples", "Interim", "Summative", "Standardisations led"],
            audit.iqas.map { [$0.id, "\($0.samples)", "\($0.interim)", "\($0.summative)", "\($0.standardisationsLed)"] })
        page.heading("Units")
        page.table(["Unit", "Decisions", "Sampled"], audit.units.map { [$0.unit, "\($0.decisions)", "\($0.sampled)"] })
        page.heading("Methods")
        page.table(["Method", "Decisions", "Sampled"], audit.methods.map { [$0.method, "\($0.decisions)", "\($0.sampled)"] })
        page.heading("Gaps")
        let gaps = audit.gaps
        page.table(["Gap", "Who or what"], [
            ["Assessors never sampled", gaps.assessorsNeverSampled.joined(separator: ", ")],
            ["Units never sampled", gaps.unitsNeverSampled.joined(separator: ", ")],
            ["Methods never sampled", gaps.methodsNeverSampled.joined(separator: ", ")],
            ["Assessors not standardised in \(months) months", gaps.assessorsNotStandardised.joined(separator: ", ")],
            ["Learners achieved without a summative sample", gaps.learnersAchievedWithoutSummativeSample.joined(separator: ", ")],
            ["Competence criteria met with no performance evidence",
             gaps.competenceWithoutPerformanceEvidence.map { "\($0.learner) \($0.unit) \($0.criterion) (\($0.methods.joined(separator: ", ")))" }
                .joined(separator: "; ")],
        ])
        return page.html
    }
}

/// A learner's transcript as a printable page.
public struct TranscriptPage {
    public let transcript: Transcript

    public init(transcript: Transcript) { self.transcript = transcript }

    public var html: String {
        let t = transcript
        var page = HTMLPage(title: "Transcript: learner \(t.learnerHeading)")
        page.paragraph(t.specificationLine)
        page.paragraph(t.statusLine)
        if !t.shortfalls.isEmpty {
            page.heading("Still to achieve")
            page.list(t.shortfalls)
        }
        if let credits = t.credits {
            page.table(["Credits", "Achieved", "Required"], [
                ["Total", "\(credits.total)", "\(credits.required.total)"],
                ["Mandatory", "\(credits.mandatory)", "\(credits.required.mandatory)"],
                ["Optional", "\(credits.optional)", "\(credits.required.optional)"],
            ])
        }
        if !t.units.isEmpty {
            page.heading("Units")
            page.table(["Unit", "Group", "Credits", "GLH", "Status", "Criteria met"], t.units.map {
                [$0.unit, $0.group, "\($0.credits)", $0.guidedLearningHours.map(String.init) ?? "", $0.status.replacingOccurrences(of: "_", with: " "),
                 "\($0.criteria.filter { $0.status == "met" }.count) of \($0.criteria.count)"]
            })
        }
        var sections = t.units.filter { $0.status != "not_started" }.map { ("Unit \($0.unit)", $0.criteria) }
        if let performance = t.performanceCriteria { sections.append(("Performance criteria", performance)) }
        if let knowledge = t.knowledge { sections.append(("Knowledge and understanding", knowledge)) }
        for (title, criteria) in sections {
            page.heading(title)
            page.table(["Criterion", "Kind", "Status", "Met by", "Evidence", "Assessor", "Decided"], criteria.map {
                [$0.id, $0.kind ?? "", $0.status.replacingOccurrences(of: "_", with: " "), $0.metBy ?? "",
                 $0.evidence.map { "\($0.id) (\($0.method.replacingOccurrences(of: "_", with: " ")))" }.joined(separator: ", "),
                 $0.assessor ?? "", $0.decidedAt ?? ""]
            })
        }
        if !t.adjustments.isEmpty {
            page.heading("Reasonable adjustments in force")
            page.table(["Adjustment", "Arrangement", "Units"], t.adjustments.map { [$0.id, $0.arrangement, $0.units.isEmpty ? "all" : $0.units.joined(separator: ", ")] })
        }
        if !t.samples.isEmpty {
            page.heading("IQA samples")
            page.table(["Sample", "Assessment", "Stage", "Outcome", "IQA", "Sampled"], t.samples.map {
                [$0.id, $0.assessment, $0.stage, $0.outcome, $0.iqa, $0.sampledAt]
            })
        }
        return page.html
    }
}
