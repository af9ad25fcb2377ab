import Assessment
import Bundles
import Centre
import EventLog

/// What a replay found wrong, and where: the first breach of integrity or of the centre's rules.
public struct Breach: Error, Codable, Equatable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable {
        /// The checkpoint is not signed by the centre's key (or not by the key supplied).
        case signature
        /// A file the centre handed over is not as `docs/format.md` says: a bundle's file
        /// missing, not a plain file, too large or malformed, or a store's checkpoint unreadable.
        case malformed
        /// A record was altered, dropped, moved, added, or the log does not match its checkpoint.
        case integrity
        /// The log does not extend the checkpoint kept from an earlier visit.
        case consistency
        /// A record does not decode under its event type and schema version.
        case decode
        /// An event breaks one of the centre's rules when the history is replayed in order.
        case rule
        /// A stored report differs from the one the replay rebuilt.
        case report
    }

    public let kind: Kind
    /// The first sequence concerned, when one can be named.
    public var sequence: UInt64?
    public var eventID: String?
    public var learner: String?
    /// The bundle's file concerned (for `malformed` and a bundle's `integrity`), e.g. `proofs`.
    public var file: String?
    /// The rule broken (for `rule`), e.g. `assessor-competence`.
    public var rule: String?
    /// The report and entry that differ (for `report`), e.g. `transcripts learner/L000001`.
    public var report: String?
    /// The figure that differs (for `report`, when the stored entry can be read), e.g. `decisions[2].criteriaMet[0]`.
    public var figure: String?
    public let detail: String

    public init(_ kind: Kind, sequence: UInt64? = nil, eventID: String? = nil, learner: String? = nil,
                rule: String? = nil, report: String? = nil, figure: String? = nil, file: String? = nil, detail: String) {
        self.kind = kind
        self.sequence = sequence
        self.eventID = eventID
        self.learner = learner
        self.file = file
        self.rule = rule
        self.report = report
        self.figure = figure
        self.detail = detail
    }

    /// A bundle's file that is not as the format says.
    init(_ error: BundleError) {
        self.init(.malformed, file: error.file, detail: error.reason)
    }

    init(_ failure: VerificationFailure) {
        self.init(.integrity, sequence: failure.sequence, detail: failure.reason)
    }

    init(_ breach: ReplayBreach) {
        self.init(.rule, sequence: breach.sequence, eventID: breach.eventID, learner: breach.learner,
                  rule: breach.violation.rule, detail: breach.violation.detail)
    }

    /// What stopped a replay's rules or reports: a breach of a rule, or the replay failing.
    init(failure: any Error) {
        if let breach = failure as? ReplayBreach { self.init(breach) } else { self.init(.rule, detail: "the replay failed: \(failure)") }
    }

    public var description: String {
        var place: [String] = []
        if let file { place.append("file \(file)") }
        if let sequence { place.append("sequence \(sequence)") }
        if let eventID { place.append("event \(eventID)") }
        if let learner { place.append("learner \(learner)") }
        if let report { place.append("report \(report)") }
        if let figure { place.append("figure \(figure)") }
        let rule = rule.map { "rule \($0): " } ?? ""
        return "\(kind.rawValue) breach" + (place.isEmpty ? "" : " at " + place.joined(separator: ", ")) + ": " + rule + detail
    }
}

/// A replay that could not be run: a bad argument, or a file or store that cannot be read.
public struct ReplayInputError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
