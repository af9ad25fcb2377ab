import AttestKit
import Foundation

/// The learners a staff member reads, a page at a time, found by reference, name or ULN
/// and filtered by status, qualification, assessor and IQA.
public struct LearnersView: Sendable {
    let scope: String
    let q: String
    let statuses: [Option]
    let qualifications: [Option]
    let assessors: [Option]
    let iqas: [Option]
    let matching: String
    let hasRows: Bool
    let rows: [Row]
    let first: String?
    let next: String?

    /// What the list is filtered by, as the page's query gives it.
    public struct Filters: Sendable {
        public var q = "", status = "", qualification = "", assessor = "", iqa = ""

        public init(q: String = "", status: String = "", qualification: String = "", assessor: String = "", iqa: String = "") {
            (self.q, self.status, self.qualification, self.assessor, self.iqa) = (q, status, qualification, assessor, iqa)
        }

        /// The query of this list from `after` (the first page when `nil`).
        func query(after: String?) -> String {
            var items = [("q", q), ("status", status), ("qualification", qualification), ("assessor", assessor), ("iqa", iqa)]
            if let after { items.append(("after", after)) }
            let encoded = items.filter { !$0.1.isEmpty }.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .queryValue) ?? "")" }
            return "/learners" + (encoded.isEmpty ? "" : "?" + encoded.joined(separator: "&"))
        }
    }

    /// A learner as the list shows them: their names only when the list was searched by them.
    public struct Row: Sendable {
        let learner: String
        let name: String?
        let qualification: String
        let status: String
        let assessor: String
        let iqa: String

        public init(learner: String, name: String? = nil, qualification: String, status: String, assessor: String, iqa: String) {
            self.learner = learner
            self.name = name
            self.qualification = qualification
            self.status = words(status)
            self.assessor = assessor
            self.iqa = iqa
        }
    }

    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    /// - Parameters:
    ///   - choices: the qualifications, assessors and IQAs of every learner the staff member reads.
    ///   - total: how many learners match the filters; `rows` is the page of them from `after`.
    ///   - nextAfter: the last learner of this page when more follow.
    public init(
        scope: String, filters: Filters, choices: (qualifications: [String], assessors: [String], iqas: [String]),
        rows: [Row], total: Int, after: String?, nextAfter: String?
    ) {
        self.scope = scope
        q = filters.q
        let options = { (values: [String], selected: String, label: (String) -> String) in
            values.sorted { $0.naturallyPrecedes($1) }.map { Option(value: $0, label: label($0), selected: $0 == selected) }
        }
        statuses = Transcript.statuses.map { Option(value: $0, label: words($0), selected: $0 == filters.status) }
        qualifications = options(choices.qualifications, filters.qualification, { $0 })
        assessors = options(choices.assessors, filters.assessor, { $0 })
        iqas = options(choices.iqas, filters.iqa, { $0 })
        matching = total == 0 ? "No learner matches."
            : total == 1 ? "1 learner matches."
            : "\(total) learners match" + (rows.count < total ? "; this page shows \(rows.first!.learner) to \(rows.last!.learner)." : ".")
        hasRows = !rows.isEmpty
        self.rows = rows
        first = after == nil ? nil : filters.query(after: nil)
        next = nextAfter.map { filters.query(after: $0) }
    }
}

extension CharacterSet {
    /// What a query value may hold unescaped.
    static let queryValue = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+?#"))
}
