import AttestKit
import Foundation
import Hummingbird
import NIOPosix

/// Staff accounts and API tokens over HTTP (`StaffAccounts`): administrators
/// open, reset and disable accounts; a staff member issues and revokes their own tokens
/// (an administrator anyone's). Each change is recorded in the log as the signed-in staff member.
struct AccountRoutes {
    let accounts: StaffAccounts

    /// `GET /v1/accounts`: every account and its tokens, without secrets.
    func list(_ request: Request, context: ServerContext) async throws -> Response {
        try administrator(context)
        let listed = try accounts.list().map { account -> [String: Any] in
            ["staffId": account.staffID, "disabled": account.disabled, "tokens": account.tokens.map { token -> [String: Any] in
                ["id": token.id, "expiresAt": Timestamp.format(token.expiresAt), "revoked": token.revoked]
            }]
        }
        return try JSONBody.response(listed)
    }

    /// `POST /v1/accounts` with `{"staffId": …, "password": …}`: opens an account.
    func open(_ request: Request, context: ServerContext) async throws -> Response {
        let actor = try administrator(context)
        let body = try await JSONBody.decode(PasswordBody.self, from: request, context: context, expecting: "the JSON object this request takes")
        guard let staff = body.staffId else { throw Problem.badRequest("staffId is missing") }
        try await recording { try accounts.open(staff, password: body.password, by: actor) }
        return Response(status: .created)
    }

    /// `POST /v1/accounts/{staff}/reset` with `{"password": …}`: a new password, enabling the account.
    func reset(_ request: Request, context: ServerContext) async throws -> Response {
        let actor = try administrator(context)
        let staff = try context.parameters.require("staff")
        let body = try await JSONBody.decode(PasswordBody.self, from: request, context: context, expecting: "the JSON object this request takes")
        try await recording { try accounts.reset(staff, password: body.password, by: actor) }
        return Response(status: .noContent)
    }

    /// `POST /v1/accounts/{staff}/disable`.
    func disable(_ request: Request, context: ServerContext) async throws -> Response {
        let actor = try administrator(context)
        let staff = try context.parameters.require("staff")
        try await recording { try accounts.disable(staff, by: actor) }
        return Response(status: .noContent)
    }

    /// `POST /v1/tokens` with `{"days": N}` (and `"staffId"` for someone else's, by an
    /// administrator): a token, shown once in the answer.
    func issue(_ request: Request, context: ServerContext) async throws -> Response {
        let principal = try context.signedIn()
        struct Body: Decodable {
            let staffId: String?
            let days: Int?
        }
        let body = try await JSONBody.decode(Body.self, from: request, context: context, expecting: "the JSON object this request takes")
        let days = body.days ?? 90
        guard (1...730).contains(days) else { throw Problem.badRequest("days is \(days); a token lasts 1 to 730 days") }
        let staff = body.staffId ?? principal.staffID
        let expires = Date() + TimeInterval(days) * 86_400
        let token = try await recording { try accounts.issueToken(to: staff, expiresAt: expires, by: Self.actor(principal)) }
        return try JSONBody.response(["id": token.id, "token": token.text, "staffId": staff, "expiresAt": Timestamp.format(expires)], status: .created)
    }

    /// `DELETE /v1/tokens/{id}`.
    func revoke(_ request: Request, context: ServerContext) async throws -> Response {
        let principal = try context.signedIn()
        let id = try context.parameters.require("id")
        try await recording { try accounts.revokeToken(id, by: Self.actor(principal)) }
        return Response(status: .noContent)
    }

    /// A sign-in's password, and whose (when opening an account).
    private struct PasswordBody: Decodable {
        let staffId: String?
        let password: String
    }

    @discardableResult
    private func administrator(_ context: ServerContext) throws -> Actor {
        Self.actor(try context.signedIn(holdingAnyOf: [.centreAdministrator], else: "only a centre administrator manages accounts"))
    }

    private static func actor(_ principal: Principal) -> Actor {
        var actor = Actor()
        actor.id = principal.staffID
        return actor
    }

    /// Runs a change off the event loop (bcrypt takes tens of milliseconds), its refusal as
    /// problem details: 403 for who may not, 422 for another rule, 400 for a weak password.
    @discardableResult
    private func recording<T: Sendable>(_ change: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await NIOThreadPool.singleton.runIfActive(change)
        } catch let refusal as BatchRefusal {
            let rule = refusal.cause.violation?.rule
            let detail = "\(refusal.reason); nothing was changed"
            if rule == "role" || rule == "token-holder" { throw Problem.forbidden(detail) }
            var problem = Problem(.unprocessableContent, "rule", title: "Refused by the centre's rules", detail: detail)
            if let rule { problem.members["rule"] = .text(rule) }
            throw problem
        } catch let error as AccountError {
            throw Problem.badRequest(error.description)
        }
    }
}
