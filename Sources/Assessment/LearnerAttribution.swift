/// Which learner each event concerns. An event that names an evidence, assessment,
/// adjustment or RPL id concerns the learner that id was recorded for; staff,
/// specification, standardisation and simulation events concern no learner.
public struct LearnerAttribution: Sendable {
    private var owners: [String: String] = [:]

    public init() {}

    /// The learner `event` concerns, learned from the events before it in log order (call
    /// this for every event, in order: it notes the ids each one introduces).
    public mutating func learner(of event: DomainEvent) -> String? {
        let learner = Self.learner(of: event) { owners[$0] }
        if let learner, let introduced = Self.introduced(by: event), owners[introduced] == nil { owners[introduced] = learner }
        return learner
    }

    /// The learner `event` concerns, asking `owner` for the learner of an id it names
    /// (`evidence/ID`, `assessment/ID`, `adjustment/ID` or `rpl/ID`).
    public static func learner(of event: DomainEvent, owner: (String) throws -> String?) rethrows -> String? {
        switch event {
        case .specificationImported, .staffRegistered, .standardisationRecorded, .simulationReviewed: nil
        case let .learnerRegistered(m): m.learnerID
        case let .learnerWithdrawn(m): m.learnerID
        case let .certificateClaimed(m): m.learnerID
        case let .adjustmentRequested(m): m.learnerID
        case let .adjustmentApproved(m): try owner("adjustment/" + m.adjustmentID)
        case let .adjustmentRejected(m): try owner("adjustment/" + m.adjustmentID)
        case let .evidenceSubmitted(m): m.learnerID
        case let .evidenceWithdrawn(m): try owner("evidence/" + m.evidenceID)
        case let .evidenceAssessed(m): try owner("evidence/" + m.evidenceID)
        case let .assessmentSampled(m): try owner("assessment/" + m.assessmentID)
        case let .decisionRevised(m): try owner("assessment/" + m.assessmentID)
        case let .rplCredited(m): m.learnerID
        case let .rplRevoked(m): try owner("rpl/" + m.rplID)
        }
    }

    /// The id `event` records for its learner, as `owner` keys name it.
    private static func introduced(by event: DomainEvent) -> String? {
        switch event {
        case let .adjustmentRequested(m): "adjustment/" + m.adjustmentID
        case let .evidenceSubmitted(m): "evidence/" + m.evidenceID
        case let .evidenceAssessed(m): "assessment/" + m.assessmentID
        case let .rplCredited(m): "rpl/" + m.rplID
        default: nil
        }
    }
}

extension Entities {
    /// The learner an id was recorded for, as the rules remember it (`owner` keys of `LearnerAttribution`).
    package func learner(owning key: String) throws -> String? {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        switch parts[0] {
        case "evidence": return try evidence(parts[1])?.submission.learnerID
        case "assessment": return try assessment(parts[1]).flatMap { try evidence($0.evidenceID)?.submission.learnerID }
        case "adjustment": return try adjustment(parts[1])?.request.learnerID
        case "rpl": return try rpl(parts[1])?.credit.learnerID
        default: return nil
        }
    }
}
