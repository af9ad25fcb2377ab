import EventLog
import Foundation
import Records
import SwiftProtobuf

/// A decoded assessment event: its type and its payload in the current schema. Indirect,
/// so that handing an event on (to each projection, each rule) copies one reference.
public indirect enum DomainEvent: Sendable {
    case specificationImported(Attest_V1_SpecificationImported)
    case staffRegistered(Attest_V1_StaffRegistered)
    case learnerRegistered(Attest_V1_LearnerRegistered)
    case learnerNameCorrected(Attest_V1_LearnerNameCorrected)
    case learnerWithdrawn(Attest_V1_LearnerWithdrawn)
    case learnerErased(Attest_V1_LearnerErased)
    case certificateClaimed(Attest_V1_CertificateClaimed)
    case adjustmentRequested(Attest_V1_ReasonableAdjustmentRequested)
    case adjustmentApproved(Attest_V1_ReasonableAdjustmentApproved)
    case adjustmentRejected(Attest_V1_ReasonableAdjustmentRejected)
    case evidenceSubmitted(Attest_V1_EvidenceSubmitted)
    case evidenceAssessed(Attest_V1_EvidenceAssessed)
    case evidenceWithdrawn(Attest_V1_EvidenceWithdrawn)
    case assessmentSampled(Attest_V1_AssessmentSampled)
    case decisionRevised(Attest_V1_DecisionRevised)
    case standardisationRecorded(Attest_V1_StandardisationRecorded)
    case simulationReviewed(Attest_V1_SimulationReviewed)
    case eqaSampleRequested(Attest_V1_EqaSampleRequested)
    case rplCredited(Attest_V1_RplCredited)
    case rplRevoked(Attest_V1_RplRevoked)
    case accountOpened(Attest_V1_AccountOpened)
    case accountReset(Attest_V1_AccountReset)
    case accountDisabled(Attest_V1_AccountDisabled)
    case tokenIssued(Attest_V1_TokenIssued)
    case tokenRevoked(Attest_V1_TokenRevoked)

    /// Decodes a payload of `type` from proto3 JSON, strictly: an unknown field is an error.
    public init(type: EventType, json: Data) throws {
        self = try Self.make(type, from: JSONPayload(json: json))
    }

    /// Wraps `message`, a payload of `type` at schema `version`, upcast to the current version.
    public init(type: EventType, version: UInt32, message: any SwiftProtobuf.Message) throws {
        self = try Self.make(type, from: UpcastPayload(message: try Upcasters.upcast(message, of: type, from: version)))
    }

    /// Decodes a stored payload of `type` written with schema `version`, upcast to the current version.
    public init(type: EventType, version: UInt32, binary: Data) throws {
        if version == type.currentVersion {
            // Straight into the payload's own type: no existential message, no dynamic cast.
            self = try Self.make(type, from: BinaryPayload(binary: binary))
        } else {
            try self.init(type: type, version: version, message: Self.storedMessage(type: type, version: version, binary: binary))
        }
    }

    /// Decodes the payload of a stored record, upcast to the current version.
    public init(record: Record) throws {
        try self.init(record: record, payload: record.payload)
    }

    /// Decodes `payload` as the payload of `record` (its sealed fields put back,
    /// `Record.openedPayload(by:)`), upcast to the current version.
    public init(record: Record, payload: Data) throws {
        try self.init(type: Self.type(of: record), version: record.schemaVersion, binary: payload)
    }

    /// The payload of `record` as it was stored, in its own version's message: what
    /// the log's JSON shows.
    public static func storedMessage(of record: Record) throws -> any SwiftProtobuf.Message {
        try storedMessage(of: record, payload: record.payload)
    }

    /// `payload` (`Record.openedPayload(by:)`) as the payload of `record` was stored.
    public static func storedMessage(of record: Record, payload: Data) throws -> any SwiftProtobuf.Message {
        try storedMessage(type: type(of: record), version: record.schemaVersion, binary: payload)
    }

    private static func storedMessage(type: EventType, version: UInt32, binary: Data) throws -> any SwiftProtobuf.Message {
        guard let stored = Upcasters.storedType(type, version: version) else {
            throw PayloadError("\(type.rawValue) has no schema version \(version); this code reads \(Upcasters.versions(of: type))")
        }
        return try stored.init(serializedBytes: binary, extensions: nil, partial: false, options: .init())
    }

    private static func type(of record: Record) throws -> EventType {
        guard let type = EventType(rawValue: record.eventType) else {
            throw PayloadError("sequence \(record.sequence) has an unknown event type \(record.eventType)")
        }
        return type
    }

    /// The event of `type` whose payload `source` gives, in the type's current message.
    private static func make(_ type: EventType, from source: some PayloadSource) throws -> DomainEvent {
        switch type {
        case .specificationImported: .specificationImported(try source.message(Attest_V1_SpecificationImported.self))
        case .staffRegistered: .staffRegistered(try source.message(Attest_V1_StaffRegistered.self))
        case .learnerRegistered: .learnerRegistered(try source.message(Attest_V1_LearnerRegistered.self))
        case .learnerNameCorrected: .learnerNameCorrected(try source.message(Attest_V1_LearnerNameCorrected.self))
        case .learnerWithdrawn: .learnerWithdrawn(try source.message(Attest_V1_LearnerWithdrawn.self))
        case .learnerErased: .learnerErased(try source.message(Attest_V1_LearnerErased.self))
        case .certificateClaimed: .certificateClaimed(try source.message(Attest_V1_CertificateClaimed.self))
        case .adjustmentRequested: .adjustmentRequested(try source.message(Attest_V1_ReasonableAdjustmentRequested.self))
        case .adjustmentApproved: .adjustmentApproved(try source.message(Attest_V1_ReasonableAdjustmentApproved.self))
        case .adjustmentRejected: .adjustmentRejected(try source.message(Attest_V1_ReasonableAdjustmentRejected.self))
        case .evidenceSubmitted: .evidenceSubmitted(try source.message(Attest_V1_EvidenceSubmitted.self))
        case .evidenceAssessed: .evidenceAssessed(try source.message(Attest_V1_EvidenceAssessed.self))
        case .evidenceWithdrawn: .evidenceWithdrawn(try source.message(Attest_V1_EvidenceWithdrawn.self))
        case .assessmentSampled: .assessmentSampled(try source.message(Attest_V1_AssessmentSampled.self))
        case .decisionRevised: .decisionRevised(try source.message(Attest_V1_DecisionRevised.self))
        case .standardisationRecorded: .standardisationRecorded(try source.message(Attest_V1_StandardisationRecorded.self))
        case .simulationReviewed: .simulationReviewed(try source.message(Attest_V1_SimulationReviewed.self))
        case .eqaSampleRequested: .eqaSampleRequested(try source.message(Attest_V1_EqaSampleRequested.self))
        case .rplCredited: .rplCredited(try source.message(Attest_V1_RplCredited.self))
        case .rplRevoked: .rplRevoked(try source.message(Attest_V1_RplRevoked.self))
        case .accountOpened: .accountOpened(try source.message(Attest_V1_AccountOpened.self))
        case .accountReset: .accountReset(try source.message(Attest_V1_AccountReset.self))
        case .accountDisabled: .accountDisabled(try source.message(Attest_V1_AccountDisabled.self))
        case .tokenIssued: .tokenIssued(try source.message(Attest_V1_TokenIssued.self))
        case .tokenRevoked: .tokenRevoked(try source.message(Attest_V1_TokenRevoked.self))
        }
    }

    public var type: EventType {
        switch self {
        case .specificationImported: .specificationImported
        case .staffRegistered: .staffRegistered
        case .learnerRegistered: .learnerRegistered
        case .learnerNameCorrected: .learnerNameCorrected
        case .learnerWithdrawn: .learnerWithdrawn
        case .learnerErased: .learnerErased
        case .certificateClaimed: .certificateClaimed
        case .adjustmentRequested: .adjustmentRequested
        case .adjustmentApproved: .adjustmentApproved
        case .adjustmentRejected: .adjustmentRejected
        case .evidenceSubmitted: .evidenceSubmitted
        case .evidenceAssessed: .evidenceAssessed
        case .evidenceWithdrawn: .evidenceWithdrawn
        case .assessmentSampled: .assessmentSampled
        case .decisionRevised: .decisionRevised
        case .standardisationRecorded: .standardisationRecorded
        case .simulationReviewed: .simulationReviewed
        case .eqaSampleRequested: .eqaSampleRequested
        case .rplCredited: .rplCredited
        case .rplRevoked: .rplRevoked
        case .accountOpened: .accountOpened
        case .accountReset: .accountReset
        case .accountDisabled: .accountDisabled
        case .tokenIssued: .tokenIssued
        case .tokenRevoked: .tokenRevoked
        }
    }

    /// The payload message.
    public var payload: any SwiftProtobuf.Message {
        switch self {
        case let .specificationImported(m): m
        case let .staffRegistered(m): m
        case let .learnerRegistered(m): m
        case let .learnerNameCorrected(m): m
        case let .learnerWithdrawn(m): m
        case let .learnerErased(m): m
        case let .certificateClaimed(m): m
        case let .adjustmentRequested(m): m
        case let .adjustmentApproved(m): m
        case let .adjustmentRejected(m): m
        case let .evidenceSubmitted(m): m
        case let .evidenceAssessed(m): m
        case let .evidenceWithdrawn(m): m
        case let .assessmentSampled(m): m
        case let .decisionRevised(m): m
        case let .standardisationRecorded(m): m
        case let .simulationReviewed(m): m
        case let .eqaSampleRequested(m): m
        case let .rplCredited(m): m
        case let .rplRevoked(m): m
        case let .accountOpened(m): m
        case let .accountReset(m): m
        case let .accountDisabled(m): m
        case let .tokenIssued(m): m
        case let .tokenRevoked(m): m
        }
    }

    /// The stream the event belongs to: the entity it creates or changes, named from
    /// the payload alone, e.g. `learner-C-0042` or `assessment-as-17`.
    public var streamID: String {
        switch self {
        case let .specificationImported(m): "specification-" + m.specification.id
        case let .staffRegistered(m): "staff-" + m.staffID
        case let .learnerRegistered(m): "learner-" + m.learnerID
        case let .learnerNameCorrected(m): "learner-" + m.learnerID
        case let .learnerWithdrawn(m): "learner-" + m.learnerID
        case let .learnerErased(m): "learner-" + m.learnerID
        case let .certificateClaimed(m): "learner-" + m.learnerID
        case let .adjustmentRequested(m): "adjustment-" + m.adjustmentID
        case let .adjustmentApproved(m): "adjustment-" + m.adjustmentID
        case let .adjustmentRejected(m): "adjustment-" + m.adjustmentID
        case let .evidenceSubmitted(m): "evidence-" + m.evidenceID
        case let .evidenceAssessed(m): "assessment-" + m.assessmentID
        case let .evidenceWithdrawn(m): "evidence-" + m.evidenceID
        case let .assessmentSampled(m): "assessment-" + m.assessmentID
        case let .decisionRevised(m): "assessment-" + m.assessmentID
        case let .standardisationRecorded(m): "standardisation-" + m.activityID
        case let .simulationReviewed(m): "simulation-" + m.simulationID
        case let .eqaSampleRequested(m): "eqa-sample-" + m.sampleID
        case let .rplCredited(m): "rpl-" + m.rplID
        case let .rplRevoked(m): "rpl-" + m.rplID
        case let .accountOpened(m): "account-" + m.staffID
        case let .accountReset(m): "account-" + m.staffID
        case let .accountDisabled(m): "account-" + m.staffID
        case let .tokenIssued(m): "token-" + m.tokenID
        case let .tokenRevoked(m): "token-" + m.tokenID
        }
    }

    /// The payload's binary encoding, as stored.
    public func binaryPayload() throws -> Data { try payload.serializedData() }

    /// The payload as proto3 JSON (field names in lowerCamelCase, defaults omitted).
    public func jsonPayload() throws -> String { try payload.jsonString() }
}

/// Where `DomainEvent.make` takes a payload from, as the message of the event's type.
private protocol PayloadSource {
    func message<M: SwiftProtobuf.Message>(_ type: M.Type) throws -> M
}

/// A payload in the binary encoding of the event type's current message.
private struct BinaryPayload: PayloadSource {
    let binary: Data
    func message<M: SwiftProtobuf.Message>(_: M.Type) throws -> M { try M(serializedBytes: binary) }
}

/// A payload in proto3 JSON, read strictly.
private struct JSONPayload: PayloadSource {
    let json: Data
    func message<M: SwiftProtobuf.Message>(_: M.Type) throws -> M { try M(jsonUTF8Bytes: json) }
}

/// A payload already decoded and upcast to the event type's current message.
private struct UpcastPayload: PayloadSource {
    let message: any SwiftProtobuf.Message
    func message<M: SwiftProtobuf.Message>(_: M.Type) throws -> M { message.exactly(M.self)! }
}

/// A payload that cannot be read.
public struct PayloadError: Error, CustomStringConvertible {
    public let description: String
    package init(_ description: String) { self.description = description }
}

extension Attest_V1_CriterionAssessment {
    /// The criterion and its outcome, as a revision or a version 1 decision records them.
    public var decision: Attest_V1_CriterionDecision {
        .with { $0.criterion = criterion; $0.outcome = outcome }
    }
}
