import Assessment
import EventLog
import Foundation
import Records
import SwiftProtobuf

/// Keeps the centre's quality-assurance activity: per assessor, IQA, unit and method,
/// the decisions made and sampled, and who attended standardisation when.
public struct AuditProjection: Projection {
    public let name = "audit"
    public let version: UInt32 = 2

    public init() {}

    public func apply(_ events: [ProjectedEvent], to state: any EntityStore) throws {
        for event in events { try apply(event, to: AuditState(store: state)) }
    }

    private func apply(_ projected: ProjectedEvent, to audit: AuditState) throws {
        let at = projected.occurredAt.microsecondsSinceEpoch
        switch projected.event {
        case let .staffRegistered(m):
            if m.roles.contains(.assessor) { try audit.assessor(m.staffID) { _ in } }
            if m.roles.contains(.internalQualityAssurer) { try audit.iqa(m.staffID) { _ in } }
        case let .evidenceSubmitted(m):
            try audit.set("evidence", m.evidenceID, Attest_V1_EvidenceFacts.with {
                $0.unit = m.unit; $0.method = m.method; $0.learnerID = m.learnerID
            })
        case let .evidenceAssessed(m):
            guard let evidence: Attest_V1_EvidenceFacts = try audit.get("evidence", m.evidenceID) else { return }
            // A decision counts once under each method that confirmed one of its criteria.
            var methods: [Attest_V1_EvidenceMethod] = []
            for decision in m.decisions { methods.insertOnce(decision.method == .unspecified ? evidence.method : decision.method) }
            try audit.set("decision", m.assessmentID, Attest_V1_DecisionFacts.with {
                $0.assessor = projected.actor; $0.unit = evidence.unit; $0.method = evidence.method; $0.methods = methods
            })
            try audit.assessor(projected.actor) { activity in
                activity.decisions += 1
                activity.learners.insertOnce(evidence.learnerID)
                activity.units.insertOnce(evidence.unit)
                for method in methods { activity.methods.insertOnce(Transcript.name(method)) }
            }
            try audit.tally("unit", evidence.unit) { $0.decisions += 1 }
            for method in methods { try audit.tally("method", Transcript.name(method)) { $0.decisions += 1 } }
        case let .assessmentSampled(m):
            guard var decision: Attest_V1_DecisionFacts = try audit.get("decision", m.assessmentID) else { return }
            try audit.iqa(projected.actor) { activity in
                activity.samples += 1
                if m.stage == .summative { activity.summative += 1 } else { activity.interim += 1 }
            }
            let firstSample = !decision.sampled
            decision.sampled = true
            try audit.set("decision", m.assessmentID, decision)
            try audit.assessor(decision.assessor) { activity in
                if firstSample { activity.sampled += 1 }
                if m.outcome == .agreed { activity.agreed += 1 } else { activity.disagreed += 1 }
            }
            if firstSample {
                try audit.tally("unit", decision.unit) { $0.sampled += 1 }
                for method in decision.methods { try audit.tally("method", Transcript.name(method)) { $0.sampled += 1 } }
            }
        case let .standardisationRecorded(m):
            try audit.iqa(m.ledBy) { $0.standardisationsLed += 1 }
            for participant in Set(m.participants + [m.ledBy]) where try audit.get("assessor", participant, as: Attest_V1_AssessorActivity.self) != nil {
                try audit.assessor(participant) { $0.lastStandardisationMicros = max($0.lastStandardisationMicros, at) }
            }
        default:
            return
        }
    }
}

/// The audit projection's entries, by kind and id.
struct AuditState {
    let store: any EntityStore

    func get<M: SwiftProtobuf.Message>(_ kind: String, _ id: String, as type: M.Type = M.self) throws -> M? {
        try store.load("\(kind)/\(id)").map { try M(serializedBytes: $0) }
    }

    func set(_ kind: String, _ id: String, _ value: some SwiftProtobuf.Message) throws {
        try store.save("\(kind)/\(id)", value.serializedBytes())
    }

    func assessor(_ id: String, _ change: (inout Attest_V1_AssessorActivity) -> Void) throws {
        var activity = try get("assessor", id) ?? Attest_V1_AssessorActivity.with { $0.staffID = id }
        change(&activity)
        try set("assessor", id, activity)
    }

    func iqa(_ id: String, _ change: (inout Attest_V1_IqaActivity) -> Void) throws {
        var activity = try get("iqa", id) ?? Attest_V1_IqaActivity.with { $0.staffID = id }
        change(&activity)
        try set("iqa", id, activity)
    }

    func tally(_ kind: String, _ name: String, _ change: (inout Attest_V1_Tally) -> Void) throws {
        var tally = try get(kind, name) ?? Attest_V1_Tally.with { $0.name = name }
        change(&tally)
        try set(kind, name, tally)
    }
}

extension Array where Element: Equatable {
    /// Appends `element` unless it is already there.
    mutating func insertOnce(_ element: Element) {
        if !contains(element) { append(element) }
    }
}
