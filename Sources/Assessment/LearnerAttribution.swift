/// Which learner each event concerns, learned from the events in log order: an event that
/// names an evidence, assessment, adjustment or RPL id is attributed to the learner that id
/// was first recorded for. Staff, specification and standardisation events concern no learner.
public struct LearnerAttribution: Sendable {
    private var owners: [String: String] = [:]

    public init() {}

    /// The learner `event` concerns (noting any id it introduces), or `nil`.
    public mutating func learner(of event: DomainEvent) -> String? {
        switch event {
        case .specificationImported, .staffRegistered, .standardisationRecorded: return nil
        case let .learnerRegistered(m): return m.learnerID
        case let .learnerWithdrawn(m): return m.learnerID
        case let .certificateClaimed(m): return m.learnerID
        case let .adjustmentRequested(m): return own("adjustment/" + m.adjustmentID, m.learnerID)
        case let .adjustmentApproved(m): return owners["adjustment/" + m.adjustmentID]
        case let .adjustmentRejected(m): return owners["adjustment/" + m.adjustmentID]
        case let .evidenceSubmitted(m): return own("evidence/" + m.evidenceID, m.learnerID)
        case let .evidenceWithdrawn(m): return owners["evidence/" + m.evidenceID]
        case let .evidenceAssessed(m):
            guard let learner = owners["evidence/" + m.evidenceID] else { return nil }
            return own("assessment/" + m.assessmentID, learner)
        case let .assessmentSampled(m): return owners["assessment/" + m.assessmentID]
        case let .decisionRevised(m): return owners["assessment/" + m.assessmentID]
        case let .rplCredited(m): return own("rpl/" + m.rplID, m.learnerID)
        case let .rplRevoked(m): return owners["rpl/" + m.rplID]
        }
    }

    private mutating func own(_ key: String, _ learner: String) -> String {
        if owners[key] == nil { owners[key] = learner }
        return owners[key]!
    }
}
