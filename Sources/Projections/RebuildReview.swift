import Assessment
import Centre
import Foundation

/// What a rebuild would change: the reports as stored beside the same reports replayed
/// from the log by this code, learner by learner and figure by figure. Nothing is written.
///
/// ```
/// let review = try store.reviewRebuild(["transcripts"])
/// review.transcripts?.map(\.learner)   // the learners whose transcript would change
/// ```
public struct RebuildReview: Codable, Equatable, Sendable {
    /// The records replayed: the log as the stored reports were read with it.
    public var records: UInt64
    /// The reports reviewed, with the version of the code that built the stored one.
    public var reports: [Report]
    /// The learners whose transcript changes, in learner order; `nil` when transcripts were not reviewed.
    public var transcripts: [LearnerChanges]?
    /// How many learners' transcripts were compared.
    public var learners: Int
    /// The audit's figures that change; `nil` when the audit was not reviewed.
    public var audit: [Change]?

    public struct Report: Codable, Equatable, Sendable {
        public var name: String
        /// `nil`: never built in this store.
        public var storedVersion: UInt32?
        public var codeVersion: UInt32

        public init(name: String, storedVersion: UInt32?, codeVersion: UInt32) {
            self.name = name
            self.storedVersion = storedVersion
            self.codeVersion = codeVersion
        }
    }

    public struct LearnerChanges: Codable, Equatable, Sendable {
        public var learner: String
        public var changes: [Change]

        /// The transcript's top-level names that change, e.g. `["credits", "status", "units"]`.
        public var areas: [String] {
            var seen: [String] = []
            for change in changes {
                let area = String(change.figure.prefix { $0 != "." && $0 != "[" })
                if !seen.contains(area) { seen.append(area) }
            }
            return seen
        }
    }

    /// One figure: its place in the report's JSON (`units[A/506/2130].status`) and its value
    /// as stored and as rebuilt, as JSON text; `nil` where the figure is absent.
    public struct Change: Codable, Equatable, Sendable {
        public var figure: String
        public var stored: String?
        public var rebuilt: String?

        public init(figure: String, stored: String?, rebuilt: String?) {
            self.figure = figure
            self.stored = stored
            self.rebuilt = rebuilt
        }
    }

    /// Whether the rebuild changes nothing that was reviewed.
    public var changesNothing: Bool { (transcripts ?? []).isEmpty && (audit ?? []).isEmpty }
}

extension CentreStore {
    /// Reviews a rebuild of `names` (all reports when empty) without writing anything: the
    /// stored reports, whichever code version built them, beside the log replayed in memory
    /// through the rules and this code's projections. The audit is compared as of `date`.
    public func reviewRebuild(_ names: [String] = [], months: Int = 12, auditOn date: Date = Date()) throws -> RebuildReview {
        let chosen = try projectionNames(names)
        let versions = try projectionVersions()
        let reviewsTranscripts = chosen.contains(TranscriptProjection().name)
        let reviewsAudit = chosen.contains(AuditProjection().name)
        let (stored, records) = try readStoredProjections { snapshot, head in
            (try Reports(snapshot, transcripts: reviewsTranscripts, audit: reviewsAudit, months: months, on: date), head)
        }
        let rebuilt = try readProjections(asOf: .sequence(records)) {
            try Reports($0, transcripts: reviewsTranscripts, audit: reviewsAudit, months: months, on: date)
        }
        var review = RebuildReview(
            records: records,
            reports: versions.filter { chosen.contains($0.name) }.map { .init(name: $0.name, storedVersion: $0.stored, codeVersion: $0.code) },
            transcripts: nil, learners: 0, audit: nil)
        if reviewsTranscripts {
            let before = Dictionary(stored.transcripts.map { ($0.learner, $0) }, uniquingKeysWith: { a, _ in a })
            let after = Dictionary(rebuilt.transcripts.map { ($0.learner, $0) }, uniquingKeysWith: { a, _ in a })
            let learners = Set(before.keys).union(after.keys).sorted()
            review.learners = learners.count
            review.transcripts = try learners.compactMap { learner -> RebuildReview.LearnerChanges? in
                let changes = try ReportDiff.changes(stored: before[learner], rebuilt: after[learner])
                return changes.isEmpty ? nil : RebuildReview.LearnerChanges(learner: learner, changes: changes)
            }
        }
        if reviewsAudit {
            review.audit = try ReportDiff.changes(stored: stored.audit, rebuilt: rebuilt.audit)
        }
        return review
    }
}

/// The reports a review compares, read from one snapshot (the stored reports may be of
/// an earlier version of their code: the criteria met and the learners' gaps are worked
/// out afresh).
private struct Reports {
    var transcripts: [Transcript] = []
    var audit: Audit?

    init(_ snapshot: ProjectionSnapshot, transcripts: Bool, audit: Bool, months: Int, on date: Date) throws {
        if transcripts { self.transcripts = try Transcript.all(in: snapshot, recomputingMet: true) }
        if audit { self.audit = try Audit(snapshot: snapshot, months: months, on: date, gapsFromRecords: true) }
    }
}

/// Figure-by-figure differences between two reports, through their JSON: objects by
/// name, lists of objects by their identifying name (`unit`, `id`, `method`), anything
/// else by value.
enum ReportDiff {
    static let identities = ["unit", "id", "method", "learner"]

    static func changes(stored: (some Encodable)?, rebuilt: (some Encodable)?) throws -> [RebuildReview.Change] {
        var changes: [RebuildReview.Change] = []
        compare(try stored.map { try json($0) }, try rebuilt.map { try json($0) }, at: "", into: &changes)
        return changes
    }

    private static func json(_ value: any Encodable) throws -> Any {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try JSONSerialization.jsonObject(with: encoder.encode(value))
    }

    private static func compare(_ stored: Any?, _ rebuilt: Any?, at path: String, into changes: inout [RebuildReview.Change]) {
        if path.isEmpty, (stored == nil) != (rebuilt == nil) {
            // A whole report only on one side: say so, not every figure of it.
            changes.append(.init(figure: "report", stored: stored == nil ? nil : "present", rebuilt: rebuilt == nil ? nil : "present"))
            return
        }
        if let a = stored as? [String: Any], let b = rebuilt as? [String: Any] {
            for key in Set(a.keys).union(b.keys).sorted() {
                compare(a[key], b[key], at: path.isEmpty ? key : path + "." + key, into: &changes)
            }
            return
        }
        if let a = stored as? [Any], let b = rebuilt as? [Any], let identity = identity(of: a + b) {
            let named = { (list: [Any]) in
                Dictionary(list.compactMap { element in (element as? [String: Any]).map { (text($0[identity]) ?? "", $0) } },
                           uniquingKeysWith: { first, _ in first })
            }
            let (before, after) = (named(a), named(b))
            var order: [String] = []
            for element in a + b {
                if let name = text((element as? [String: Any])?[identity]), !order.contains(name) { order.append(name) }
            }
            for name in order { compare(before[name], after[name], at: "\(path)[\(name)]", into: &changes) }
            return
        }
        let (a, b) = (text(stored), text(rebuilt))
        if a != b { changes.append(.init(figure: path.isEmpty ? "report" : path, stored: a, rebuilt: b)) }
    }

    /// The name that identifies every element of `list`, when they are all objects that have one.
    private static func identity(of list: [Any]) -> String? {
        guard !list.isEmpty else { return nil }
        let objects = list.compactMap { $0 as? [String: Any] }
        guard objects.count == list.count else { return nil }
        return identities.first { name in objects.allSatisfy { $0[name] is String } }
    }

    /// A JSON value as compact JSON text (a string without its quotes); `nil` when absent.
    private static func text(_ value: Any?) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        if let string = value as? String { return string }
        guard let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "\(value)" }
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}
