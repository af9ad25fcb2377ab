import Centre
import Foundation
import LMDB

/// The secrets staff sign in with, kept outside the hashed log: an LMDB environment of
/// its own, the store's `accounts` directory. Each account holds a password's bcrypt
/// hash; each API token its SHA-256 digest. Neither a password nor a token is stored.
struct Credentials: Sendable {
    let environment: Environment
    let accounts: Database
    let tokens: Database
    /// A token is checked at every request an integration makes, and its account with it.
    private let decodedAccounts = DecodedByBytes<StoredAccount>()
    private let decodedTokens = DecodedByBytes<StoredToken>()

    /// The credentials of the centre's store at `store`, created when missing.
    init(store: String) throws {
        let directory = store + "/accounts"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var options = EnvironmentOptions()
        options.maxDatabases = 2
        options.mapSize = 16 << 20
        environment = try Environment(path: directory, options: options)
        accounts = try environment.openDatabase("accounts", create: true)
        tokens = try environment.openDatabase("tokens", create: true)
    }

    func account(_ staffID: String) throws -> StoredAccount? { try entry(accounts, staffID, decodedAccounts) }

    func setAccount(_ staffID: String, _ account: StoredAccount) throws { try put(accounts, staffID, account) }

    func token(_ id: String) throws -> StoredToken? { try entry(tokens, id, decodedTokens) }

    func setToken(_ id: String, _ token: StoredToken) throws { try put(tokens, id, token) }

    private func entry<T: Decodable & Sendable>(_ database: Database, _ id: String, _ decoded: DecodedByBytes<T>) throws -> T? {
        let key = TextKey(id)
        guard key.isStorable else { return nil }
        return try environment.read { try $0.get(database, key: key) }.map { try decoded.value(of: $0, Self.decode) }
    }

    private func put(_ database: Database, _ id: String, _ value: some Encodable) throws {
        let bytes = try JSONEncoder().encode(value)
        try environment.write { try $0.put(database, key: TextKey(id), value: bytes) }
    }

    /// Every account by staff id, and every token by id, in id order.
    func all() throws -> (accounts: [(String, StoredAccount)], tokens: [(String, StoredToken)]) {
        try environment.read { txn in
            try txn.withReader { reader in
                let accounts = try reader.entries(self.accounts, prefix: []).map { (String(decoding: $0.key, as: UTF8.self), try Self.decode($0.value) as StoredAccount) }
                let tokens = try reader.entries(self.tokens, prefix: []).map { (String(decoding: $0.key, as: UTF8.self), try Self.decode($0.value) as StoredToken) }
                return (accounts, tokens)
            }
        }
    }

    private static func decode<T: Decodable>(_ bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(bytes))
    }
}

/// An account as the credentials keep it.
struct StoredAccount: Codable {
    /// The password's bcrypt hash (`$2b$…`), cost included.
    var passwordHash: String
    var disabled: Bool
}

/// An API token as the credentials keep it: never its secret, only the secret's digest.
struct StoredToken: Codable {
    var staffID: String
    /// SHA-256 of the token's secret, in hex.
    var digest: String
    var expiresAtMicros: Int64
    var revoked: Bool
}
