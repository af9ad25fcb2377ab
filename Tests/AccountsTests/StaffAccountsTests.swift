import Accounts
import Assessment
import AttestTesting
import Centre
import EventLog
import Foundation
import Records
import Testing

/// Staff sign in with passwords and tokens kept outside the log, while the log records
/// each account's and token's life, checked by the rules.
@Suite struct StaffAccountsTests {
    let password = "correct horse battery"

    func actor(_ id: String) -> Actor {
        var actor = Actor()
        actor.id = id
        return actor
    }

    @Test func aStaffMemberSignsInWithTheirPasswordAndNotAnother() throws {
        let centre = try TestCentre.standard()
        let accounts = try StaffAccounts(store: centre.store)
        try accounts.open("a1", password: password, by: actor("admin"))
        #expect(try accounts.signIn("a1", password: password) == "a1")
        #expect(throws: AccountError.wrongPassword("a1")) { try accounts.signIn("a1", password: "correct horse battery!") }
        #expect(throws: AccountError.unknownAccount("i1")) { try accounts.signIn("i1", password: password) }
    }

    @Test func theLogRecordsEachChangeAndNoSecret() throws {
        let centre = try TestCentre.standard()
        let accounts = try StaffAccounts(store: centre.store)
        try accounts.open("a1", password: password, by: actor("admin"))
        let token = try accounts.issueToken(to: "a1", expiresAt: Date() + 86_400, by: actor("a1"))
        try accounts.revokeToken(token.id, by: actor("admin"))
        try accounts.disable("a1", by: actor("admin"))
        try accounts.reset("a1", password: "another long password", by: actor("admin"))
        var types: [String] = []
        var text = ""
        try centre.store.log.read(from: 1) { entry in
            types.append(entry.record.eventType)
            text += String(decoding: entry.record.payload, as: UTF8.self)
            return true
        }
        #expect(types.suffix(5) == ["account.opened", "token.issued", "token.revoked", "account.disabled", "account.reset"])
        let secret = String(token.text.split(separator: "_", maxSplits: 2)[2])
        #expect(!text.contains(secret))
        #expect(!text.contains(password))
        let files = try FileManager.default.subpathsOfDirectory(atPath: centre.path).filter { $0.hasSuffix(".mdb") }
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: centre.path + "/" + file))
            #expect(bytes.range(of: Data(password.utf8)) == nil, "\(file) holds the password")
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds the token's secret")
        }
    }

    @Test func onlyAnAdministratorOpensAnAccountAndOnlyForRegisteredStaff() throws {
        let centre = try TestCentre.standard()
        let accounts = try StaffAccounts(store: centre.store)
        #expect(refusal { try accounts.open("a1", password: password, by: actor("i1")) }?.hasPrefix("rule role: account.opened may be recorded only by ") == true)
        #expect(refusal { try accounts.open("nobody", password: password, by: actor("admin")) }
            == "rule registered-staff: nobody, whose account this is, is not registered staff")
        try accounts.open("a1", password: password, by: actor("admin"))
        #expect(refusal { try accounts.open("a1", password: password, by: actor("admin")) }
            == "rule account-unique: a1 already has an account: reset it to set a new password")
        #expect(throws: AccountError.weakPassword) { try accounts.open("i1", password: "short", by: actor("admin")) }
    }

    @Test func aTokenWorksUntilItIsRevokedOrExpiresOrItsAccountIsDisabled() throws {
        let centre = try TestCentre.standard()
        let accounts = try StaffAccounts(store: centre.store)
        try accounts.open("a1", password: password, by: actor("admin"))
        try accounts.open("i1", password: password, by: actor("admin"))
        let now = Date()
        let token = try accounts.issueToken(to: "a1", expiresAt: now + 3600, by: actor("a1"))
        #expect(try accounts.authenticate(token: token.text, now: now) == "a1")
        #expect(throws: AccountError.expiredToken(token.id)) { try accounts.authenticate(token: token.text, now: now + 3600) }
        // The token with its last character changed (not the one before it, which may be the same).
        var forged = token.text
        let last = forged.removeLast()
        forged.append(last == "A" ? "B" : "A")
        #expect(throws: AccountError.unknownToken) { try accounts.authenticate(token: forged, now: now) }
        #expect(refusal { _ = try accounts.issueToken(to: "a1", expiresAt: now + 3600, by: actor("i1")) }?
            .hasSuffix(" is a1's: only they or a centre administrator may issue or revoke it, not i1") == true)
        try accounts.disable("a1", by: actor("admin"))
        #expect(throws: AccountError.disabled("a1")) { try accounts.authenticate(token: token.text, now: now) }
        #expect(throws: AccountError.disabled("a1")) { try accounts.signIn("a1", password: password) }
        try accounts.reset("a1", password: password, by: actor("admin"))
        #expect(try accounts.authenticate(token: token.text, now: now) == "a1")
        try accounts.revokeToken(token.id, by: actor("a1"))
        #expect(throws: AccountError.revokedToken(token.id)) { try accounts.authenticate(token: token.text, now: now) }
        #expect(try accounts.list().map(\.staffID) == ["a1", "i1"])
        #expect(try accounts.list()[0].tokens.map(\.revoked) == [true])
    }

    /// The words of the rule that refused what `body` records, or `nil` when it was recorded.
    func refusal(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let refusal as BatchRefusal {
            return refusal.reason
        } catch {
            return "\(error)"
        }
    }
}
