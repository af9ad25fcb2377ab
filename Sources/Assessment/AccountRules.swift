import EventLog
import Foundation
import Records

/// The rules of staff accounts and API tokens: an account belongs to a registered staff
/// member, one each; a token is issued to an enabled account, by its holder or an
/// administrator, and revoked once.
extension RuleContext {
    func openAccount(_ staffID: String) throws {
        try require(staffID, "staffId", of: "the account")
        guard try entities.get(.staff, staffID) != nil else {
            throw RuleViolation("registered-staff", "\(staffID), whose account this is, is not registered staff")
        }
        if try entities.get(.account, staffID) != nil {
            throw RuleViolation("account-unique", "\(staffID) already has an account: reset it to set a new password")
        }
        entities.set(.account, staffID, Attest_V1_AccountState())
    }

    func resetAccount(_ staffID: String) throws {
        var account = try existingAccount(staffID)
        account.disabled = false
        entities.set(.account, staffID, account)
    }

    func disableAccount(_ staffID: String) throws {
        var account = try existingAccount(staffID)
        if account.disabled { throw RuleViolation("account-enabled", "the account of \(staffID) is already disabled") }
        account.disabled = true
        entities.set(.account, staffID, account)
    }

    func issueToken(_ m: Attest_V1_TokenIssued) throws {
        try require(m.tokenID, "tokenId", of: "the token")
        try requireNew(entities.get(.token, m.tokenID) != nil, "token \(m.tokenID)", is: "issued")
        try checkTokenHolder(m.staffID, of: m.tokenID)
        if try existingAccount(m.staffID).disabled {
            throw RuleViolation("account-enabled", "the account of \(m.staffID) is disabled: no token is issued to it")
        }
        guard let expires = Timestamp.microseconds(m.expiresAt) else {
            throw RuleViolation("well-formed", "expiresAt \(m.expiresAt) of token \(m.tokenID) is not an RFC 3339 date-time such as 2027-03-02T09:30:00Z")
        }
        if expires <= micros {
            throw RuleViolation("time-order", "token \(m.tokenID) expires at \(m.expiresAt), before it is issued (\(Timestamp.format(micros: micros)))")
        }
        entities.set(.token, m.tokenID, Attest_V1_TokenState.with { $0.staffID = m.staffID; $0.expiresAtMicros = expires })
    }

    func revokeToken(_ m: Attest_V1_TokenRevoked) throws {
        guard var token = try entities.get(.token, m.tokenID) else {
            throw RuleViolation("token-known", "token \(m.tokenID) was never issued")
        }
        try checkTokenHolder(token.staffID, of: m.tokenID)
        if token.revoked { throw RuleViolation("token-known", "token \(m.tokenID) is already revoked") }
        token.revoked = true
        entities.set(.token, m.tokenID, token)
    }

    /// A staff member's account, opened (`account-known`).
    private func existingAccount(_ staffID: String) throws -> Attest_V1_AccountState {
        try require(staffID, "staffId", of: "the account")
        guard let account = try entities.get(.account, staffID) else {
            throw RuleViolation("account-known", "\(staffID) has no account")
        }
        return account
    }

    /// A token is issued or revoked by the staff member who holds it, or by a centre administrator.
    private func checkTokenHolder(_ staffID: String, of token: String) throws {
        if actor.id == staffID { return }
        if try staffRegistration(actor.id)?.roles.contains(.centreAdministrator) == true { return }
        throw RuleViolation("token-holder", "token \(token) is \(staffID)'s: only they or a centre administrator may issue or revoke it, not \(actor.id)")
    }
}
