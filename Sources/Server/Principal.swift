import AttestKit

/// The staff member a request is made by: signed in with a password (a session) or
/// calling with an API token. Their roles are read from their registration each request.
public struct Principal: Sendable {
    public let staffID: String
    public let roles: Set<Attest_V1_StaffRole>
    /// Signed in with a session cookie, so unsafe requests need the session's CSRF token.
    let bySession: Bool

    public func holds(_ role: Attest_V1_StaffRole) -> Bool { roles.contains(role) }

    /// Whether they hold any of `roles`.
    public func holdsAny(of roles: Set<Attest_V1_StaffRole>) -> Bool { !self.roles.isDisjoint(with: roles) }

    /// Who reads the log, its checkpoints, proofs and bundles.
    static let logReaders: Set<Attest_V1_StaffRole> = [.centreAdministrator, .externalQualityAssurer, .awardingOrganisationOfficer]

    /// Administrators and awarding-organisation officers read every learner's records.
    var readsEveryLearner: Bool { holdsAny(of: [.centreAdministrator, .awardingOrganisationOfficer]) }

    /// Whether they are the assessor or the IQA of the learner `registration` registers.
    func follows(_ registration: Attest_V1_LearnerRegistered) -> Bool {
        (holds(.assessor) && registration.assessor == staffID)
            || (holds(.internalQualityAssurer) && registration.internalQualityAssurer == staffID)
    }

    /// An external quality assurer reads; they record nothing in a centre's store.
    var readsOnly: Bool { roles.allSatisfy { $0 == .externalQualityAssurer } }
}
