/// Which learner each event concerns. An event that names an evidence, assessment,
/// adjustment or RPL id concerns the learner that id was recorded for; staff,
/// specification, standardisation and simulation events concern no learner.
public struct LearnerAttribution: Sendable {
    private var owners: [OwnedPart: String] = [:]

    public init() {}

    /// The learner `event` concerns, learned from the events before it in log order (call
    /// this for every event, in order: it notes the ids each one introduces).
    public mutating func learner(of event: DomainEvent) -> String? {
        learner(of: event) { _, _ in nil }
    }

    /// The learner `event` concerns, learned as `learner(of:)` does, and from `earlier`
    /// for ids introduced before the first event this attribution was given.
    public mutating func learner(of event: DomainEvent, earlier: (LearnerRecordPart, String) throws -> String?) rethrows -> String? {
        let learner = try Self.learner(of: event) { try owners[OwnedPart(part: $0, id: $1)] ?? earlier($0, $1) }
        if let learner, let introduced = Self.introduced(by: event), owners[introduced] == nil { owners[introduced] = learner }
        return learner
    }

    /// The learner `event` concerns, asking `owner` for the learner of the evidence,
    /// assessment, adjustment or RPL credit it names.
    public static func learner(of event: DomainEvent, owner: (LearnerRecordPart, String) throws -> String?) rethrows -> String? {
        switch event {
        case .specificationImported, .staffRegistered, .standardisationRecorded, .simulationReviewed, .eqaSampleRequested,
             .accountOpened, .accountReset, .accountDisabled, .tokenIssued, .tokenRevoked: nil
        case let .learnerRegistered(m): m.learnerID
        case let .learnerNameCorrected(m): m.learnerID
        case let .learnerWithdrawn(m): m.learnerID
        case let .learnerErased(m): m.learnerID
        case let .certificateClaimed(m): m.learnerID
        case let .adjustmentRequested(m): m.learnerID
        case let .adjustmentApproved(m): try owner(.adjustment, m.adjustmentID)
        case let .adjustmentRejected(m): try owner(.adjustment, m.adjustmentID)
        case let .evidenceSubmitted(m): m.learnerID
        case let .evidenceWithdrawn(m): try owner(.evidence, m.evidenceID)
        case let .evidenceAssessed(m): try owner(.evidence, m.evidenceID)
        case let .assessmentSampled(m): try owner(.assessment, m.assessmentID)
        case let .decisionRevised(m): try owner(.assessment, m.assessmentID)
        case let .rplCredited(m): m.learnerID
        case let .rplRevoked(m): try owner(.rpl, m.rplID)
        }
    }

    /// The part of a learner's record `event` records under its own id.
    private static func introduced(by event: DomainEvent) -> OwnedPart? {
        switch event {
        case let .adjustmentRequested(m): OwnedPart(part: .adjustment, id: m.adjustmentID)
        case let .evidenceSubmitted(m): OwnedPart(part: .evidence, id: m.evidenceID)
        case let .evidenceAssessed(m): OwnedPart(part: .assessment, id: m.assessmentID)
        case let .rplCredited(m): OwnedPart(part: .rpl, id: m.rplID)
        default: nil
        }
    }
}

/// A part of a learner's record, by its kind and id.
private struct OwnedPart: Hashable, Sendable {
    let part: LearnerRecordPart
    let id: String
}

extension Entities {
    /// The learner the evidence, assessment, adjustment or RPL credit `id` was recorded
    /// for, as the rules remember it.
    package func learner(owning part: LearnerRecordPart, _ id: String) throws -> String? {
        switch part {
        case .evidence: try get(.evidence, id)?.submission.learnerID
        case .assessment: try get(.assessment, id).flatMap { try get(.evidence, $0.evidenceID)?.submission.learnerID }
        case .adjustment: try get(.adjustment, id)?.request.learnerID
        case .rpl: try get(.rpl, id)?.credit.learnerID
        }
    }
}
