import AttestKit
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import NIOCore

/// A request's context: its session (when signed in with a password) and the staff
/// member it is made by, once authenticated.
public struct ServerContext: SessionRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let sessions: SessionContext<SignedIn>
    public var principal: Principal?
    /// The client's address, which failed sign-ins are counted by.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        sessions = .init()
        principal = nil
        remoteAddress = source.channel.remoteAddress
    }

    /// Requests carry at most 8 MiB (a batch of events); more is refused with 413.
    public var maxUploadSize: Int { CentreServer.maxBodyBytes }

    /// The staff member the request is made by. - Throws: `Problem` 401 when no one is.
    func signedIn() throws -> Principal {
        guard let principal else { throw Problem.unauthenticated() }
        return principal
    }

    /// The staff member the request is made by, who holds one of `roles`.
    /// - Throws: `Problem` 401 when no one is, 403 with `refusal` when they hold none.
    func signedIn(holdingAnyOf roles: Set<Attest_V1_StaffRole>, else refusal: String) throws -> Principal {
        let principal = try signedIn()
        guard principal.holdsAny(of: roles) else { throw Problem.forbidden(refusal) }
        return principal
    }
}

/// What a session remembers: who signed in, and the token their forms and scripts send
/// back in `X-CSRF-Token` with every change.
public struct SignedIn: Codable, Sendable {
    let staffID: String
    let csrf: String
}
