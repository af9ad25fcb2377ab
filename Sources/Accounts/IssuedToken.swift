import Foundation
import Merkle

/// An API token as issued: `attest_ID_SECRET`, the id public (the log names it), the
/// secret 256 random bits in base64url, shown once and kept only as its SHA-256 digest.
public struct IssuedToken: Sendable {
    /// The token's id: 12 hex digits.
    public let id: String
    let secret: String

    /// The token as its holder sends it (`Authorization: Bearer …`).
    public var text: String { "attest_\(id)_\(secret)" }

    var secretDigest: String { Self.digest(of: secret) }

    static func random() -> IssuedToken {
        IssuedToken(id: randomBytes(6).hex, secret: randomSecret())
    }

    /// 256 random bits in base64url, without padding: 43 characters.
    public static func randomSecret() -> String {
        Data(randomBytes(32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The id and secret of a token's text, or `nil` when it is not shaped as one.
    static func parse(_ text: String) -> (id: String, secret: String)? {
        let parts = text.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "attest", parts[1].count == 12, parts[1].allSatisfy(\.isHexDigit), parts[2].count == 43 else { return nil }
        return (String(parts[1]), String(parts[2]))
    }

    /// SHA-256 of the secret, in hex, through the project's one SHA-256 (`TreeHash`).
    static func digest(of secret: String) -> String {
        Array(secret.utf8).withUnsafeBytes { TreeHash.sha256($0).hex }
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}

extension String {
    /// Equality of two digests, in time that does not depend on where they differ.
    public func constantTimeEquals(_ other: String) -> Bool {
        let a = Array(utf8), b = Array(other.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
