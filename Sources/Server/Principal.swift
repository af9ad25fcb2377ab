import AttestKit

/// The staff member a request is made by: signed in with a password (a session) or
/// calling with an API token. Their roles are read from their registration each request.
public struct Principal: Sendable {
    public let staffID: String
    public let roles: Set<Attest_V1_StaffRole>
    /// Signed in with a session cookie, so unsafe requests need the session's CSRF token.
    let bySession: Bool

    public func holds(_ role: Attest_V1_StaffRole) -> Bool { roles.contains(role) }

    /// An external quality assurer reads; they record nothing in a centre's store.
    var readsOnly: Bool { roles.allSatisfy { $0 == .externalQualityAssurer } }
}
