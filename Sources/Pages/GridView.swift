import AttestKit
import Foundation

/// The IQA sampling grid: assessors × units, each cell with its decisions and samples
/// (interim and summative), never-sampled cells and assessors highlighted, each
/// assessor's sample rate against the centre's policy and their standardisation; and for
/// an IQA, a cell's decisions with the form that records a sample of one.
public struct GridView: Sendable {
    let on: String
    let policy: String
    let units: [Column]
    let rows: [Row]
    let chart: Chart?
    let selected: Selected?
    let notice: String?
    let error: String?
    let showing: String
    let scopes: [Scope]
    let previous: String?
    let next: String?

    /// The rows shown: the assessors whose learners the IQA quality-assures, or all.
    struct Scope: Sendable {
        let label: String
        let href: String
        let current: Bool
    }

    /// Which assessors the grid shows, a page at a time.
    public struct Rows: Sendable {
        /// Only these assessors (an IQA's own), or all when `nil`.
        let only: Set<String>?
        /// The page, from 1, of `perPage` assessors.
        let page: Int
        let perPage: Int

        public init(only: Set<String>? = nil, page: Int = 1, perPage: Int = 40) {
            self.only = only
            self.page = max(page, 1)
            self.perPage = perPage
        }

        public static func query(page: Int, all: Bool) -> String {
            "/sampling?" + (all ? "assessors=all&" : "") + "page=\(page)"
        }
    }

    struct Column: Sendable {
        let unit: String
    }

    struct Row: Sendable {
        let assessor: String
        let status: String
        let cells: [Cell]
        let rate: String
        let policyRate: String
        let belowPolicy: Bool
        let neverSampled: Bool
        let lastStandardisation: String
        let standardisationGap: Bool
    }

    struct Cell: Sendable {
        /// `never` (decisions, none sampled), `empty` (no decisions) or empty.
        let kind: String
        let text: String
        let words: String
        let href: String?
    }

    /// One cell's decisions, and the form that samples one of them.
    struct Selected: Sendable {
        let assessor: String
        let unit: String
        /// The rows' query the form returns to.
        let page: Int
        let all: Bool
        let decisions: [Decision]
        let hasDecisions: Bool
        let form: Form?
    }

    /// A decision as the grid's cell lists it, with when it was decided and sampled in words.
    struct Decision: Sendable {
        let decision: DecisionToSample
        let decided: String
        let sampled: String
        let checked: Bool
    }

    /// What the form holds: fresh, or as posted when it was refused.
    public struct Form: Sendable {
        let csrf: String
        /// The id the sample is recorded under: made fresh, or as posted.
        let sampleID: String
        let assessment: String
        let interim: Bool, summative: Bool, agreed: Bool, disagreed: Bool
        let rationale: String
        let requiredAction: String

        public init(
            csrf: String, sampleID: String = "SM-" + UUID().uuidString.prefix(8).lowercased(), assessment: String = "", stage: String = "interim",
            outcome: String = "agreed", rationale: String = "", requiredAction: String = ""
        ) {
            self.csrf = csrf
            self.sampleID = sampleID
            self.assessment = assessment
            (interim, summative) = (stage != "summative", stage == "summative")
            (agreed, disagreed) = (outcome != "disagreed", outcome == "disagreed")
            self.rationale = rationale
            self.requiredAction = requiredAction
        }
    }

    /// - Parameters:
    ///   - cell: the assessor and unit chosen, with their decisions, when one is.
    ///   - form: the sampling form, for an IQA.
    ///   - rows: which assessors to show; an IQA may narrow them to their own.
    ///   - mine: whether the staff member quality-assures learners (and so may narrow the rows).
    public init(grid: SamplingGrid, rows shown: Rows = Rows(), mine: Bool = false,
                cell: (assessor: String, unit: String, decisions: [DecisionToSample])? = nil, form: Form? = nil,
                notice: String? = nil, error: String? = nil) {
        on = String(grid.on.prefix(10))
        policy = "The centre's policy samples \(Chart.percent(grid.policy.workingTowards)) of the decisions of assessors working towards their qualification and \(Chart.percent(grid.policy.qualified)) of qualified assessors' decisions."
        units = grid.units.map(Column.init)
        let listed = grid.assessors.filter { shown.only?.contains($0.id) ?? true }
        let first = (shown.page - 1).multipliedReportingOverflow(by: shown.perPage).partialValue
        let page = Array(listed.dropFirst(first).prefix(shown.perPage))
        let all = shown.only == nil
        showing = listed.isEmpty ? "No assessor to show."
            : "Assessors \(min(first + 1, listed.count)) to \(first + page.count) of \(listed.count)" + (all ? "." : ", those whose learners you quality-assure.")
        scopes = mine ? [
            Scope(label: "The assessors of my learners", href: Rows.query(page: 1, all: false), current: !all),
            Scope(label: "Every assessor", href: Rows.query(page: 1, all: true), current: all),
        ] : []
        previous = shown.page > 1 ? Rows.query(page: shown.page - 1, all: all) : nil
        next = first + page.count < listed.count ? Rows.query(page: shown.page + 1, all: all) : nil
        rows = page.map { assessor in
            let cells = Dictionary(uniqueKeysWithValues: assessor.cells.map { ($0.unit, $0) })
            return Row(
                assessor: assessor.id, status: words(assessor.status),
                cells: grid.units.map { unit in
                    guard let cell = cells[unit], cell.decisions > 0 else { return Cell(kind: "empty", text: "–", words: "no decisions", href: nil) }
                    let words = "\(cell.decisions) decisions, \(cell.sampled) sampled; \(cell.interim) interim and \(cell.summative) summative samples"
                    return Cell(kind: cell.neverSampled ? "never" : "", text: "\(cell.sampled)/\(cell.decisions) · I\(cell.interim) S\(cell.summative)",
                                words: words, href: Rows.query(page: shown.page, all: all) + GridView.cell(assessor: assessor.id, unit: unit))
                },
                rate: Chart.percent(assessor.sampleRate), policyRate: Chart.percent(assessor.policyRate), belowPolicy: assessor.belowPolicy,
                neverSampled: assessor.neverSampled, lastStandardisation: assessor.lastStandardisation.map { String($0.prefix(10)) } ?? "never",
                standardisationGap: assessor.standardisationGap)
        }
        let active = page.filter { $0.decisions > 0 }
        chart = active.isEmpty ? nil : Chart.rates(
            id: "policy-rates", caption: "Each assessor's sample rate; the mark is the rate the centre's policy asks of them", labelHeading: "Assessor",
            active.map { ($0.id, $0.sampleRate, $0.policyRate) })
        selected = cell.map { cell in
            let decisions = cell.decisions.map { decision in
                Decision(decision: decision, decided: String(decision.decidedAt.prefix(10)),
                         sampled: decision.sampledAt.isEmpty ? "not sampled" : decision.sampledAt.joined(separator: ", "),
                         checked: decision.assessment == form?.assessment)
            }
            return Selected(assessor: cell.assessor, unit: cell.unit, page: shown.page, all: all, decisions: decisions, hasDecisions: !decisions.isEmpty,
                            form: decisions.isEmpty ? nil : form)
        }
        self.notice = notice
        self.error = error
    }

    /// The query that chooses one cell, after the rows' query.
    public static func cell(assessor: String, unit: String) -> String {
        let value = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: .queryValue) ?? "" }
        return "&assessor=\(value(assessor))&unit=\(value(unit))#cell"
    }
}
