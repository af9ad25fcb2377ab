import Assessment
import Centre
import EventLog
import Foundation
import HummingbirdBcrypt
import Records

/// Staff accounts and API tokens: who may sign in to the server, and as whom.
///
/// Each change is recorded in the log first (`account.opened`, `account.reset`,
/// `account.disabled`, `token.issued`, `token.revoked`, checked by the rules: only an
/// administrator opens an account, for registered staff), then made to the credentials,
/// kept outside the log in the store's `accounts` directory. No secret enters the log.
public final class StaffAccounts: Sendable {
    /// The bcrypt cost of new password hashes (2^12 rounds).
    public static let bcryptCost: UInt8 = 12
    /// The shortest password accepted, in characters; bcrypt reads at most 72 bytes.
    public static let passwordLength = 12...72

    public let store: CentreStore
    let credentials: Credentials

    /// The accounts of `store`.
    public init(store: CentreStore) throws {
        self.store = store
        credentials = try Credentials(store: store.log.environment.path)
    }

    /// Opens an account for registered staff member `staffID` with `password`.
    /// - Throws: `BatchRefusal` from the rules (`account-unique`, `registered-staff`,
    ///   `role`), or `AccountError.weakPassword`.
    public func open(_ staffID: String, password: String, by actor: Actor, now: Date = Date()) throws {
        let hash = try Self.hash(password)
        try record(.accountOpened(.with { $0.staffID = staffID }), by: actor, at: now)
        try credentials.setAccount(staffID, StoredAccount(passwordHash: hash, disabled: false))
    }

    /// Sets a new password for `staffID`'s account, and enables it if it was disabled.
    public func reset(_ staffID: String, password: String, by actor: Actor, now: Date = Date()) throws {
        let hash = try Self.hash(password)
        try record(.accountReset(.with { $0.staffID = staffID }), by: actor, at: now)
        try credentials.setAccount(staffID, StoredAccount(passwordHash: hash, disabled: false))
    }

    /// Disables `staffID`'s account: they can no longer sign in, nor use their tokens.
    public func disable(_ staffID: String, by actor: Actor, now: Date = Date()) throws {
        try record(.accountDisabled(.with { $0.staffID = staffID }), by: actor, at: now)
        guard var account = try credentials.account(staffID) else { return }
        account.disabled = true
        try credentials.setAccount(staffID, account)
    }

    /// Issues an API token to `staffID`, valid until `expiresAt`. The token is returned
    /// once, here: only its digest is kept.
    public func issueToken(to staffID: String, expiresAt: Date, by actor: Actor, now: Date = Date()) throws -> IssuedToken {
        let token = IssuedToken.random()
        try record(.tokenIssued(.with {
            $0.tokenID = token.id; $0.staffID = staffID; $0.expiresAt = Timestamp.format(expiresAt)
        }), by: actor, at: now)
        try credentials.setToken(token.id, StoredToken(
            staffID: staffID, digest: token.secretDigest, expiresAtMicros: expiresAt.microsecondsSinceEpoch, revoked: false))
        return token
    }

    /// Revokes token `id`: it is refused from now on.
    public func revokeToken(_ id: String, by actor: Actor, now: Date = Date()) throws {
        try record(.tokenRevoked(.with { $0.tokenID = id }), by: actor, at: now)
        guard var token = try credentials.token(id) else { return }
        token.revoked = true
        try credentials.setToken(id, token)
    }

    /// Every account, with its tokens, by staff id.
    public func list() throws -> [Account] {
        let (accounts, tokens) = try credentials.all()
        return accounts.map { staffID, account in
            Account(staffID: staffID, disabled: account.disabled, tokens: tokens.filter { $0.1.staffID == staffID }.map { id, token in
                Account.Token(id: id, expiresAt: Date(microsecondsSinceEpoch: token.expiresAtMicros), revoked: token.revoked)
            })
        }
    }

    /// The staff member who signs in as `staffID` with `password`.
    /// - Throws: `AccountError` saying why not (the server tells the client less).
    public func signIn(_ staffID: String, password: String) throws -> String {
        guard let account = try credentials.account(staffID) else {
            // As long as a real check, so that the time taken does not tell which accounts exist.
            _ = Bcrypt.verify(password, hash: Self.decoyHash)
            throw AccountError.unknownAccount(staffID)
        }
        guard Bcrypt.verify(password, hash: account.passwordHash) else { throw AccountError.wrongPassword(staffID) }
        if account.disabled { throw AccountError.disabled(staffID) }
        return staffID
    }

    /// Whether `staffID` has an account that is not disabled.
    public func isEnabled(_ staffID: String) throws -> Bool {
        try credentials.account(staffID)?.disabled == false
    }

    /// The staff member holding `token` (as `IssuedToken.text` wrote it), if it is theirs,
    /// unexpired and unrevoked, and their account enabled.
    public func authenticate(token text: String, now: Date = Date()) throws -> String {
        guard let (id, secret) = IssuedToken.parse(text), let token = try credentials.token(id) else { throw AccountError.unknownToken }
        guard IssuedToken.digest(of: secret).constantTimeEquals(token.digest) else { throw AccountError.unknownToken }
        if token.revoked { throw AccountError.revokedToken(id) }
        if token.expiresAtMicros <= now.microsecondsSinceEpoch { throw AccountError.expiredToken(id) }
        if try credentials.account(token.staffID)?.disabled != false { throw AccountError.disabled(token.staffID) }
        return token.staffID
    }

    private func record(_ event: DomainEvent, by actor: Actor, at date: Date) throws {
        try store.append([CentreEvent(event, actor: actor, occurredAt: date)])
    }

    /// A new random password: 20 letters and digits (about 119 bits), easy to read out.
    public static func newPassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
    }

    static func hash(_ password: String) throws -> String {
        guard passwordLength.contains(password.count), password.utf8.count <= 72 else { throw AccountError.weakPassword }
        return Bcrypt.hash(password, cost: bcryptCost)
    }

    /// A hash of no one's password, checked when an account does not exist.
    private static let decoyHash = Bcrypt.hash(UUID().uuidString, cost: bcryptCost)
}

/// An account as `StaffAccounts.list()` shows it: no secrets.
public struct Account: Sendable, Equatable {
    public let staffID: String
    public let disabled: Bool
    public let tokens: [Token]

    public struct Token: Sendable, Equatable {
        public let id: String
        public let expiresAt: Date
        public let revoked: Bool
    }
}

/// Why a sign-in or a token was refused.
public enum AccountError: Error, Equatable, CustomStringConvertible {
    case unknownAccount(String)
    case wrongPassword(String)
    case disabled(String)
    case unknownToken
    case revokedToken(String)
    case expiredToken(String)
    case weakPassword

    public var description: String {
        switch self {
        case let .unknownAccount(staff): "\(staff) has no account"
        case let .wrongPassword(staff): "the password of \(staff) is not that"
        case let .disabled(staff): "the account of \(staff) is disabled"
        case .unknownToken: "the token is not one this store issued"
        case let .revokedToken(id): "token \(id) is revoked"
        case let .expiredToken(id): "token \(id) has expired"
        case .weakPassword:
            "a password has \(StaffAccounts.passwordLength.lowerBound) to \(StaffAccounts.passwordLength.upperBound) characters (at most 72 bytes)"
        }
    }
}
