import AttestKit
import Foundation
import Hummingbird

/// Signed checkpoints and the proofs an EQA checks against them.
struct CheckpointRoutes {
    let store: CentreStore

    /// `POST /v1/checkpoints`: a centre administrator signs a checkpoint of the log as it
    /// stands with the centre's key (`SigningKey`), kept in the store.
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
        try proof(request, context, of: ("sequence", 1...UInt64.max), in: ("size", 1...UInt64.max)) { sequence, size in
            try store.log.inclusionProof(of: sequence, in: size)
        }
    }

    /// `GET /v1/proofs/consistency?from=N[&to=M]`: the first N records are a prefix of the
    /// first M (by default the latest checkpoint's size, or the head).
    func consistency(_ request: Request, context: ServerContext) async throws -> Response {
        try proof(request, context, of: ("from", 0...UInt64.max), in: ("to", 0...UInt64.max)) { from, to in
            try store.log.consistencyProof(from: from, to: to)
        }
    }

    /// The proof `make` gives for the query's number `subject` (required) in the log's
    /// first records, as many as its number `size` says (by default the latest
    /// checkpoint's size, or the head when none was signed); 400 when either is not a
    /// number in its range or no proof can be made.
    private func proof(
        _ request: Request, _ context: ServerContext,
        of subject: (name: String, range: ClosedRange<UInt64>), in size: (name: String, range: ClosedRange<UInt64>),
        _ make: (UInt64, UInt64?) throws -> some Encodable
    ) throws -> Response {
        try Self.checkReader(context)
        let query = request.uri.queryParameters
        guard let given = query[Substring(subject.name)] else { throw Problem.badRequest("\(subject.name) is missing") }
        let within = try query[Substring(size.name)].map { try EventRoutes.number($0, size.name, size.range) } ?? latestSize()
        return try JSONBody.response(encoding: try proving { try make(try EventRoutes.number(given, subject.name, subject.range), within) })
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
                          detail: "the store has no signing key: a centre administrator must make one before the log's head can be signed")
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
