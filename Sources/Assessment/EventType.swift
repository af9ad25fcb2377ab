import Records
import SwiftProtobuf

/// Every kind of event the centre records, with its payload message, current schema
/// version and the roles allowed to record it.
public enum EventType: String, CaseIterable, Sendable {
    case specificationImported = "specification.imported"
    case staffRegistered = "staff.registered"
    case learnerRegistered = "learner.registered"
    case learnerNameCorrected = "learner.name_corrected"
    case learnerWithdrawn = "learner.withdrawn"
    case learnerErased = "learner.erased"
    case certificateClaimed = "certificate.claimed"
    case adjustmentRequested = "reasonable_adjustment.requested"
    case adjustmentApproved = "reasonable_adjustment.approved"
    case adjustmentRejected = "reasonable_adjustment.rejected"
    case evidenceSubmitted = "evidence.submitted"
    case evidenceAssessed = "evidence.assessed"
    case evidenceWithdrawn = "evidence.withdrawn"
    case assessmentSampled = "assessment.sampled"
    case decisionRevised = "decision.revised"
    case standardisationRecorded = "standardisation.recorded"
    case simulationReviewed = "simulation.reviewed"
    case eqaSampleRequested = "eqa_sample.requested"
    case rplCredited = "rpl.credited"
    case rplRevoked = "rpl.revoked"
    case accountOpened = "account.opened"
    case accountReset = "account.reset"
    case accountDisabled = "account.disabled"
    case tokenIssued = "token.issued"
    case tokenRevoked = "token.revoked"

    /// The payload message of this type at its current version.
    public var payloadType: any SwiftProtobuf.Message.Type {
        switch self {
        case .specificationImported: Attest_V1_SpecificationImported.self
        case .staffRegistered: Attest_V1_StaffRegistered.self
        case .learnerRegistered: Attest_V1_LearnerRegistered.self
        case .learnerNameCorrected: Attest_V1_LearnerNameCorrected.self
        case .learnerWithdrawn: Attest_V1_LearnerWithdrawn.self
        case .learnerErased: Attest_V1_LearnerErased.self
        case .certificateClaimed: Attest_V1_CertificateClaimed.self
        case .adjustmentRequested: Attest_V1_ReasonableAdjustmentRequested.self
        case .adjustmentApproved: Attest_V1_ReasonableAdjustmentApproved.self
        case .adjustmentRejected: Attest_V1_ReasonableAdjustmentRejected.self
        case .evidenceSubmitted: Attest_V1_EvidenceSubmitted.self
        case .evidenceAssessed: Attest_V1_EvidenceAssessed.self
        case .evidenceWithdrawn: Attest_V1_EvidenceWithdrawn.self
        case .assessmentSampled: Attest_V1_AssessmentSampled.self
        case .decisionRevised: Attest_V1_DecisionRevised.self
        case .standardisationRecorded: Attest_V1_StandardisationRecorded.self
        case .simulationReviewed: Attest_V1_SimulationReviewed.self
        case .eqaSampleRequested: Attest_V1_EqaSampleRequested.self
        case .rplCredited: Attest_V1_RplCredited.self
        case .rplRevoked: Attest_V1_RplRevoked.self
        case .accountOpened: Attest_V1_AccountOpened.self
        case .accountReset: Attest_V1_AccountReset.self
        case .accountDisabled: Attest_V1_AccountDisabled.self
        case .tokenIssued: Attest_V1_TokenIssued.self
        case .tokenRevoked: Attest_V1_TokenRevoked.self
        }
    }

    /// The schema version new events of this type are written with, and that every
    /// stored version is upcast to when read (`Upcasters`). `payloadType` is its message.
    public var currentVersion: UInt32 {
        switch self {
        case .learnerRegistered: 3
        case .evidenceAssessed, .evidenceSubmitted: 2
        default: 1
        }
    }

    /// The oldest schema version accepted as new input. Older stored records are still
    /// read and upcast, but a version whose shape lacks what the rules now ask of new
    /// events is not appended: evidence.submitted version 1 cannot name the assessor
    /// who conducted it or the simulation it was gathered under.
    public var oldestInputVersion: UInt32 {
        switch self {
        case .evidenceSubmitted: 2
        default: 1
        }
    }

    /// Who may record this type of event.
    public var allowedRoles: Set<Attest_V1_StaffRole> {
        switch self {
        case .specificationImported, .staffRegistered, .learnerRegistered, .learnerNameCorrected, .learnerWithdrawn, .learnerErased,
             .adjustmentRequested,
             .certificateClaimed, .eqaSampleRequested, .accountOpened, .accountReset, .accountDisabled:
            Roles.administrator
        case .adjustmentApproved, .adjustmentRejected:
            Roles.awardingOrganisation
        case .evidenceSubmitted, .evidenceAssessed, .decisionRevised, .rplCredited, .rplRevoked:
            Roles.assessor
        case .assessmentSampled, .standardisationRecorded, .simulationReviewed:
            Roles.internalQualityAssurer
        case .evidenceWithdrawn:
            Roles.assessorOrIQA
        // A staff member's own tokens, or an administrator's for them (rule token-holder).
        case .tokenIssued, .tokenRevoked:
            Roles.any
        }
    }

    /// The sets `allowedRoles` gives, made once: the rules ask for one at every event.
    private enum Roles {
        static let administrator: Set<Attest_V1_StaffRole> = [.centreAdministrator]
        static let awardingOrganisation: Set<Attest_V1_StaffRole> = [.awardingOrganisationOfficer]
        static let assessor: Set<Attest_V1_StaffRole> = [.assessor]
        static let internalQualityAssurer: Set<Attest_V1_StaffRole> = [.internalQualityAssurer]
        static let assessorOrIQA: Set<Attest_V1_StaffRole> = [.assessor, .internalQualityAssurer]
        static let any = Set(Attest_V1_StaffRole.allCases.filter { $0 != .unspecified })
    }
}

extension Attest_V1_StaffRole {
    /// The role as the envelope's `actor.role` writes it, e.g. `internal_quality_assurer`.
    public var envelopeName: String {
        switch self {
        case .assessor: "assessor"
        case .internalQualityAssurer: "internal_quality_assurer"
        case .externalQualityAssurer: "external_quality_assurer"
        case .centreAdministrator: "centre_administrator"
        case .awardingOrganisationOfficer: "awarding_organisation_officer"
        case .unspecified, .UNRECOGNIZED: "unspecified"
        }
    }
}
