import Assessment
import Centre
import EventLog
import Foundation
import Records
import SwiftProtobuf

/// Keeps the centre's quality-assurance activity: per assessor, IQA, unit and method,
/// the decisions made and sampled, and who attended standardisation when; per assessor
/// and unit, the sampling grid's cells.
public struct AuditProjection: Projection {
    public let name = "audit"
    /// 4: assessors' qualification status and the sampling grid's cells.
    public let version: UInt32 = 4

    public init() {}

    public func apply(_ events: [RecordedEvent], to state: ProjectionState) throws {
        let audit = AuditState(state: state)
        for event in events { try apply(event, to: audit) }
    }

    private func apply(_ projected: RecordedEvent, to audit: AuditState) throws {
        let at = projected.occurredAtMicros
        switch projected.event {
        case let .staffRegistered(m):
            if m.roles.contains(.assessor) { try audit.assessor(m.staffID) { $0.status = m.status } }
            if m.roles.contains(.internalQualityAssurer) { try audit.iqa(m.staffID) { _ in } }
        case let .evidenceSubmitted(m):
            try audit.state.save(.with { $0.unit = m.unit; $0.method = m.method; $0.learnerID = m.learnerID }, in: AuditKeys.evidence, m.evidenceID)
        case let .evidenceAssessed(m):
            guard let evidence = try audit.state.load(AuditKeys.evidence, m.evidenceID) else { return }
            // A decision counts once under each method that confirmed one of its criteria.
            var facts = Attest_V1_DecisionFacts.with { $0.assessor = projected.actor; $0.unit = evidence.unit }
            for decision in m.decisions { facts.insert(decision.method == .unspecified ? evidence.method : decision.method) }
            try audit.state.save(facts, in: AuditKeys.decisions, m.assessmentID)
            let methods = facts.methods
            let newLearner = try audit.markAssessed(evidence.learnerID, by: projected.actor)
            try audit.assessor(projected.actor) { activity in
                activity.decisions += 1
                if newLearner { activity.learners += 1 }
                activity.units.insertOnce(evidence.unit)
                for method in methods { activity.methods.insertOnce(method.name) }
            }
            try audit.unit(evidence.unit) { $0.decisions += 1 }
            try audit.cell(projected.actor, evidence.unit) { $0.decisions += 1 }
            for method in methods { try audit.method(method) { $0.decisions += 1 } }
        case let .assessmentSampled(m):
            guard var decision = try audit.state.load(AuditKeys.decisions, m.assessmentID) else { return }
            try audit.iqa(projected.actor) { activity in
                activity.samples += 1
                if m.stage == .summative { activity.summative += 1 } else { activity.interim += 1 }
            }
            let firstSample = !decision.sampled
            decision.sampled = true
            try audit.state.save(decision, in: AuditKeys.decisions, m.assessmentID)
            try audit.assessor(decision.assessor) { activity in
                if firstSample { activity.sampled += 1 }
                if m.outcome == .agreed { activity.agreed += 1 } else { activity.disagreed += 1 }
            }
            try audit.cell(decision.assessor, decision.unit) { cell in
                if firstSample { cell.sampled += 1 }
                if m.stage == .summative { cell.summative += 1 } else { cell.interim += 1 }
            }
            if firstSample {
                try audit.unit(decision.unit) { $0.sampled += 1 }
                for method in decision.methods { try audit.method(method) { $0.sampled += 1 } }
            }
        case let .standardisationRecorded(m):
            try audit.iqa(m.ledBy) { $0.standardisationsLed += 1 }
            for participant in Set(m.participants + [m.ledBy]) where try audit.isAssessor(participant) {
                try audit.assessor(participant) { $0.lastStandardisationMicros = max($0.lastStandardisationMicros, at) }
            }
        default:
            return
        }
    }
}

/// The audit projection's entries kept decoded, by kind and id; the facts of each piece
/// of evidence and each decision (written once or twice, read seldom) are read and written
/// through `state` at once.
struct AuditState {
    let state: ProjectionState
    private let assessors: KeptMessages<Attest_V1_AssessorActivity>
    private let iqas: KeptMessages<Attest_V1_IqaActivity>
    private let units: KeptMessages<Attest_V1_Tally>
    private let methods: KeptMessages<Attest_V1_Tally>
    private let cells: KeptMessages<Attest_V1_GridCell>

    init(state: ProjectionState) {
        self.state = state
        assessors = state.messages(in: AuditKeys.assessors)
        iqas = state.messages(in: AuditKeys.iqas)
        units = state.messages(in: AuditKeys.units)
        methods = state.messages(in: AuditKeys.methods)
        cells = state.messages(in: AuditKeys.cells)
    }

    /// Whether `id` is registered as an assessor.
    func isAssessor(_ id: String) throws -> Bool {
        try assessors.get(id) != nil
    }

    /// Notes that `assessor` judged evidence of `learner`; true the first time.
    func markAssessed(_ learner: String, by assessor: String) throws -> Bool {
        let key = AuditKeys.assessed.key(assessor + "/" + learner)
        guard try state.load(key) == nil else { return false }
        try state.save(key, Mark.stored)
        return true
    }

    func assessor(_ id: String, _ change: (inout Attest_V1_AssessorActivity) -> Void) throws {
        try Self.change(assessors, id, change, initial: .with { $0.staffID = id })
    }

    func iqa(_ id: String, _ change: (inout Attest_V1_IqaActivity) -> Void) throws {
        try Self.change(iqas, id, change, initial: .with { $0.staffID = id })
    }

    func unit(_ unit: String, _ change: (inout Attest_V1_Tally) -> Void) throws {
        try Self.change(units, unit, change, initial: .with { $0.name = unit })
    }

    func method(_ method: Attest_V1_EvidenceMethod, _ change: (inout Attest_V1_Tally) -> Void) throws {
        let name = method.name
        try Self.change(methods, name, change, initial: .with { $0.name = name })
    }

    func cell(_ assessor: String, _ unit: String, _ change: (inout Attest_V1_GridCell) -> Void) throws {
        try Self.change(cells, assessor + "/" + unit, change, initial: .with { $0.assessor = assessor; $0.unit = unit })
    }

    private static func change<M: SwiftProtobuf.Message>(
        _ kept: KeptMessages<M>, _ id: String, _ body: (inout M) -> Void, initial: @autoclosure () -> M
    ) throws {
        guard try !kept.update(id, body) else { return }
        var message = initial()
        body(&message)
        kept.set(id, message)
    }
}

extension Array where Element: Equatable {
    /// Appends `element` unless it is already there.
    mutating func insertOnce(_ element: Element) {
        if !contains(element) { append(element) }
    }
}

extension Attest_V1_DecisionFacts {
    /// Notes that `method` confirmed one of the decision's criteria.
    mutating func insert(_ method: Attest_V1_EvidenceMethod) {
        methodBits |= 1 << Self.bit(method)
    }

    /// The methods that confirmed the decision's criteria, in the order of their numbers.
    var methods: [Attest_V1_EvidenceMethod] {
        (0..<32).filter { methodBits & (1 << $0) != 0 }.map { Attest_V1_EvidenceMethod(rawValue: $0) ?? .unspecified }
    }

    /// A method's bit: its number, or 0 (unspecified) for one this code does not know, as
    /// the audit names it.
    private static func bit(_ method: Attest_V1_EvidenceMethod) -> Int {
        if case .UNRECOGNIZED = method { 0 } else { method.rawValue }
    }
}
