import AttestKit
import Foundation

/// The standardisation audit as a page: its gaps first, then sample rates by assessor,
/// and the assessors, IQAs, units and methods, every list in natural order.
public struct AuditView: Sendable {
    let months: Int
    let on: String
    let hasGaps: Bool
    let gaps: [Gap]
    let assessorChart: Chart?
    let unitChart: Chart?
    let assessors: [AssessorRow]
    let iqas: [Audit.IQA]
    let units: [TallyRow]
    let methods: [TallyRow]

    /// One kind of gap: what it is, how many, and who or what.
    struct Gap: Sendable {
        let anchor: String
        let label: String
        let count: Int
        let items: String
        let all: String
        let more: Bool

        init(anchor: String, label: String, _ items: [String]) {
            self.anchor = anchor
            self.label = label
            count = items.count
            all = items.joined(separator: ", ")
            self.items = all
            more = false
        }

        private init(_ gap: Gap, items: String, more: Bool) {
            (anchor, label, count, all) = (gap.anchor, gap.label, gap.count, gap.all)
            self.items = items
            self.more = more
        }

        /// The gap naming at most `limit` of its items, the rest left to the audit page.
        func shortened(to limit: Int) -> Gap {
            let names = all.components(separatedBy: ", ")
            return names.count <= limit ? self : Gap(self, items: names.prefix(limit).joined(separator: ", "), more: true)
        }
    }

    /// An assessor's figures as the audit has them, with their sample rate and last
    /// standardisation in words.
    struct AssessorRow: Sendable {
        let assessor: Audit.Assessor
        let rate: String
        let lastStandardisation: String
    }

    struct TallyRow: Sendable {
        let name: String
        let decisions: Int
        let sampled: Int
    }

    /// - Parameters:
    ///   - months: how recent standardisation must be, as the audit was asked for.
    ///   - on: the day the audit counts back from.
    public init(audit: Audit, months: Int, on: String) {
        self.months = months
        self.on = on
        gaps = Self.gaps(of: audit, months: months)
        hasGaps = !gaps.isEmpty
        let assessors = audit.assessors.sorted { $0.id.naturallyPrecedes($1.id) }
        assessorChart = assessors.isEmpty ? nil : Chart.rates(
            id: "assessor-rates", caption: "The share of each assessor's decisions sampled", labelHeading: "Assessor",
            assessors.map { ($0.id, $0.sampleRate, nil) })
        let units = audit.units.sorted { $0.unit.naturallyPrecedes($1.unit) }
        unitChart = units.isEmpty ? nil : Chart.rates(
            id: "unit-rates", caption: "The share of each unit's decisions sampled", labelHeading: "Unit",
            units.map { ($0.unit, $0.decisions == 0 ? 0 : Double($0.sampled) / Double($0.decisions), nil) })
        self.assessors = assessors.map {
            AssessorRow(assessor: $0, rate: Chart.percent($0.sampleRate), lastStandardisation: $0.lastStandardisation.map { String($0.prefix(10)) } ?? "never")
        }
        iqas = audit.iqas.sorted { $0.id.naturallyPrecedes($1.id) }
        self.units = units.map { TallyRow(name: $0.unit, decisions: $0.decisions, sampled: $0.sampled) }
        methods = audit.methods.sorted { $0.method.naturallyPrecedes($1.method) }.map {
            TallyRow(name: words($0.method.lowercased()), decisions: $0.decisions, sampled: $0.sampled)
        }
    }

    /// The audit's gaps, each kind in natural order; kinds with none are left out.
    static func gaps(of audit: Audit, months: Int) -> [Gap] {
        let gaps = audit.gaps
        let natural = { (list: [String]) in list.sorted { $0.naturallyPrecedes($1) } }
        let competence = gaps.competenceWithoutPerformanceEvidence
            .sorted { [$0.learner, $0.unit, $0.criterion].naturallyPrecedes([$1.learner, $1.unit, $1.criterion]) }
        return [
            Gap(anchor: "assessors-never-sampled", label: "assessors never sampled", natural(gaps.assessorsNeverSampled)),
            Gap(anchor: "assessors-not-standardised", label: "assessors not standardised in \(months) months", natural(gaps.assessorsNotStandardised)),
            Gap(anchor: "units-never-sampled", label: "units never sampled", natural(gaps.unitsNeverSampled)),
            Gap(anchor: "methods-never-sampled", label: "methods never sampled",
                natural(gaps.methodsNeverSampled).map { words($0.lowercased()) }),
            Gap(anchor: "achieved-without-summative-sample", label: "learners achieved without a summative sample",
                natural(gaps.learnersAchievedWithoutSummativeSample)),
            Gap(anchor: "competence-without-performance-evidence", label: "competence criteria met with no performance evidence",
                competence.map { "\($0.learner) unit \($0.unit) \($0.criterion) (\($0.methods.map { words($0.lowercased()) }.joined(separator: ", ")))" }),
        ].filter { $0.count > 0 }
    }
}
