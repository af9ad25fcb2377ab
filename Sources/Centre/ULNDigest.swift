import Crypto
import Foundation
import Merkle
import Privacy

/// Keyed digests of ULNs, under which the rules remember whose each ULN is: HMAC-SHA256
/// in hexadecimal, so that the rules' state holds no ULN and no one without the key can
/// test a guess against it.
enum ULNDigest {
    /// Digests under `key`.
    static func keyed(by key: SymmetricKey) -> @Sendable (String) -> String {
        let bytes = key.withUnsafeBytes { Data($0) }
        return { uln in digest(uln, under: SymmetricKey(data: bytes)) }
    }

    /// The digest of `uln` under `key`.
    static func digest(_ uln: String, under key: SymmetricKey) -> String {
        Array(HMAC<SHA256>.authenticationCode(for: Data(uln.utf8), using: key)).hex
    }

    /// Digests under the centre's secret `uln-digest`, read from (or made in) the key store
    /// of the store at `path` when first needed.
    static func centre(store path: String) -> @Sendable (String) throws -> String {
        let secret = CentreSecret(keys: LearnerKeys(store: path))
        return { uln in digest(uln, under: try secret.value()) }
    }
}

/// The centre's ULN-digest secret, read once.
private final class CentreSecret: @unchecked Sendable {
    private let keys: LearnerKeys
    private let lock = NSLock()
    private var secret: SymmetricKey?

    init(keys: LearnerKeys) { self.keys = keys }

    func value() throws -> SymmetricKey {
        try lock.withLock {
            if let secret { return secret }
            let made = try keys.secret(named: "uln-digest")
            secret = made
            return made
        }
    }
}
