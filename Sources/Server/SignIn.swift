import AttestKit
import Hummingbird
import HummingbirdAuth
import NIOPosix

/// Signing in with a staff id and password, for the API (`POST /v1/session`) and the
/// sign-in page alike: failures counted per account and address, bcrypt off the event
/// loop, and a session holding a fresh CSRF token.
struct SignIn {
    let accounts: StaffAccounts
    let limiter: SignInLimiter

    /// Signs `staffID` in, creating the request's session. - Throws: `Problem` 429 while
    /// failures are rate-limited, 401 for a wrong id or password or a disabled account.
    /// - Returns: who signed in, and the session's CSRF token.
    @discardableResult
    func signIn(_ staffID: String, password: String, context: ServerContext) async throws -> (staff: String, csrf: String) {
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        let keys = ["account:" + staffID, "address:" + address]
        if let wait = limiter.wait(for: keys) {
            var problem = Problem(.tooManyRequests, "rate-limited", title: "Too many failed sign-ins",
                                  detail: "too many failed sign-ins for this account or address: try again in \(wait) seconds")
            problem.extraHeaders[.retryAfter] = String(wait)
            throw problem
        }
        let staff: String
        do {
            staff = try await NIOThreadPool.singleton.runIfActive { try accounts.signIn(staffID, password: password) }
        } catch is AccountError {
            limiter.fail(keys)
            throw Problem.unauthenticated("the staff id or the password is not right, or the account is disabled")
        }
        let csrf = IssuedToken.randomSecret()
        context.sessions.createSession(SignedIn(staffID: staff, csrf: csrf))
        return (staff, csrf)
    }
}
