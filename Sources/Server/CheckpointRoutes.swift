import AttestKit
import Foundation
import Hummingbird

/// Signed checkpoints and the proofs an EQA checks against them.
struct CheckpointRoutes {
    let store: CentreStore

    /// `POST /v1/checkpoints`: a centre administrator signs a checkpoint of the log as it
    /// stands with the centre's key (`attest key`), kept in the store.
    func create(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.signedIn(holdingAnyOf: [.centreAdministrator], else: "only a centre administrator signs checkpoints")
        return try JSONBody.response(encoding: try Self.sign(store), status: .created)
    }

    /// Signs a checkpoint of `store`'s log as it stands. - Throws: 409 when the store has no key.
    static func sign(_ store: CentreStore) throws -> CheckpointListing {
        let log = try CheckpointLog(log: store.log, create: true)
        let signed = try log.record(signedBy: signingKey(of: store))
        return CheckpointListing(number: try log.all().count, signed)
    }

    /// `GET /v1/checkpoints`: every kept checkpoint, oldest first.
    func list(_ request: Request, context: ServerContext) async throws -> Response {
        try Self.checkReader(context)
        return try JSONBody.response(encoding: try CheckpointLog(log: store.log).listings())
    }

    /// `GET /v1/checkpoints/latest`.
    func latest(_ request: Request, context: ServerContext) async throws -> Response {
        try Self.checkReader(context)
        guard let latest = try CheckpointLog(log: store.log).listings().last else { throw Problem.notFound("no checkpoint has been signed") }
        return try JSONBody.response(encoding: latest)
    }

    /// `GET /v1/proofs/inclusion?sequence=N[&size=M]`: record N is in the first M records
    /// (by default the latest checkpoint's size, or the head when none was signed).
    func inclusion(_ request: Request, context: ServerContext) async throws -> Response {
        try Self.checkReader(context)
        let query = request.uri.queryParameters
        guard let sequence = query["sequence"] else { throw Problem.badRequest("sequence is missing") }
        let size = try query["size"].map { try EventRoutes.number($0, "size", 1...UInt64.max) } ?? latestSize()
        return try JSONBody.response(encoding: try proving {
            try store.log.inclusionProof(of: try EventRoutes.number(sequence, "sequence", 1...UInt64.max), in: size)
        })
    }

    /// `GET /v1/proofs/consistency?from=N[&to=M]`: the first N records are a prefix of the
    /// first M (by default the latest checkpoint's size, or the head).
    func consistency(_ request: Request, context: ServerContext) async throws -> Response {
        try Self.checkReader(context)
        let query = request.uri.queryParameters
        guard let from = query["from"] else { throw Problem.badRequest("from is missing") }
        let to = try query["to"].map { try EventRoutes.number($0, "to", 0...UInt64.max) } ?? latestSize()
        return try JSONBody.response(encoding: try proving {
            try store.log.consistencyProof(from: try EventRoutes.number(from, "from", 0...UInt64.max), to: to)
        })
    }

    /// The latest checkpoint's size, or `nil` (the head) when none was signed.
    private func latestSize() throws -> UInt64? {
        try CheckpointLog(log: store.log).all().last?.checkpoint.size
    }

    /// A proof, or 400 naming why the sizes asked for cannot have one.
    private func proving<P>(_ body: () throws -> P) throws -> P {
        do { return try body() } catch let error as CheckpointError {
            throw Problem.badRequest(error.description)
        }
    }

    /// The centre's signing key. - Throws: 409 when the store has none.
    static func signingKey(of store: CentreStore) throws -> SigningKey {
        let path = SigningKey.path(inStore: store.log.environment.path)
        guard FileManager.default.fileExists(atPath: path) else {
            throw Problem(.conflict, "no-key", title: "The store has no signing key",
                          detail: "the store has no signing key: `attest key STORE --create` makes its first")
        }
        return try SigningKey(contentsOf: path)
    }

    /// Checkpoints and proofs are read by administrators, EQAs and awarding-organisation officers.
    static func checkReader(_ context: ServerContext) throws {
        _ = try context.signedIn(
            holdingAnyOf: Principal.logReaders,
            else: "checkpoints and proofs are read by centre administrators, external quality assurers and awarding-organisation officers")
    }
}
