import AttestKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth

/// Finds who a request is made by: an API token (`Authorization: Bearer attest_…`) or a
/// session cookie, whose unsafe requests must also carry the session's `X-CSRF-Token`.
/// A request with neither goes on unauthenticated (the routes that need someone say 401);
/// a token or session that no longer holds is refused here.
struct Authentication: RouterMiddleware {
    let accounts: StaffAccounts

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        if let authorization = request.headers[.authorization] {
            guard authorization.hasPrefix("Bearer ") else { throw Problem.unauthenticated("only Bearer tokens are accepted") }
            let staff: String
            do {
                staff = try accounts.authenticate(token: String(authorization.dropFirst("Bearer ".count)))
            } catch let error as AccountError {
                throw Problem.unauthenticated(error.description)
            }
            context.principal = try principal(staff, bySession: false)
        } else if let session = context.sessions.session {
            guard try accounts.isEnabled(session.staffID) else {
                context.sessions.clearSession()
                throw Problem.unauthenticated("the account of \(session.staffID) is disabled")
            }
            if ![.get, .head, .options].contains(request.method) {
                guard let sent = try await csrfToken(&request, context), sent.constantTimeEquals(session.csrf) else {
                    throw Problem.forbidden("a change made with a session cookie needs the session's CSRF token: the X-CSRF-Token header, or a form's csrf field")
                }
            }
            context.principal = try principal(session.staffID, bySession: true)
        }
        return try await next(request, context)
    }

    /// The CSRF token a request sends: its `X-CSRF-Token` header, or a page's form field
    /// `csrf` (the body is read here and left to the route).
    private func csrfToken(_ request: inout Request, _ context: ServerContext) async throws -> String? {
        if let header = request.headers[.csrfToken] { return header }
        guard request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true else { return nil }
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        struct Form: Decodable { let csrf: String? }
        return (try? URLEncodedFormDecoder().decode(Form.self, from: String(buffer: body)))?.csrf
    }

    private func principal(_ staffID: String, bySession: Bool) throws -> Principal {
        let roles = try accounts.store.staff(staffID)?.roles ?? []
        return Principal(staffID: staffID, roles: Set(roles), bySession: bySession)
    }
}

extension HTTPField.Name {
    /// The header carrying a session's CSRF token.
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    /// The id of the last Server-Sent Event a reconnecting subscriber received.
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
