import Crypto
import Foundation
import Privacy
import Testing

/// A learner's data key sealed to an EQA opens with their identity only, for that learner and bundle only.
@Suite struct KeyDisclosureTests {
    let key = SymmetricKey(size: .bits256)
    let root = Data(repeating: 7, count: 32)

    @Test func aDisclosedKeyOpensWithTheIdentityItWasSealedTo() throws {
        let identity = EQAIdentity()
        let disclosed = try DisclosedKey(key, learner: "L000007", root: root, to: identity.recipient)
        let read = try DisclosedKey(line: disclosed.line)
        #expect(read == disclosed)
        let opened = try read.open(with: identity, root: root)
        #expect(opened.withUnsafeBytes { Data($0) } == key.withUnsafeBytes { Data($0) })
    }

    @Test func itOpensForNoOtherIdentityBundleOrLearner() throws {
        let identity = EQAIdentity()
        let disclosed = try DisclosedKey(key, learner: "L000007", root: root, to: identity.recipient)
        #expect(throws: DisclosureError.self) { try disclosed.open(with: EQAIdentity(), root: root) }
        #expect(throws: DisclosureError.self) { try disclosed.open(with: identity, root: Data(repeating: 8, count: 32)) }
        let moved = try DisclosedKey(line: disclosed.line.replacingOccurrences(of: "L000007", with: "L000008"))
        #expect(throws: DisclosureError.self) { try moved.open(with: identity, root: root) }
    }

    @Test func identitiesAndRecipientsReadBackFromTheirText() throws {
        let identity = EQAIdentity()
        #expect(try EQAIdentity(text: identity.text + "\n").recipient == identity.recipient)
        #expect(try EQARecipient(text: identity.recipient.description) == identity.recipient)
        #expect(identity.recipient.description.hasPrefix("attest-eqa-1:"))
        #expect(identity.text.hasPrefix("ATTEST-EQA-IDENTITY-1:"))
        #expect(throws: DisclosureError.self) { try EQARecipient(text: identity.text) }
        #expect(throws: DisclosureError.self) { try EQAIdentity(text: identity.recipient.description) }
        #expect(throws: DisclosureError.self) { try DisclosedKey(line: "L000007 AAAA AAAA") }
    }
}
