import AttestKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix

/// A centre's store served over HTTP to its signed-in staff: the API of
/// `docs/server.md`, with events appended in group commits.
public struct CentreServer: Sendable {
    /// The largest request body read, in bytes.
    public static let maxBodyBytes = 8 << 20

    public let store: CentreStore
    public let accounts: StaffAccounts
    let metrics = ServerMetrics()
    let commits: GroupCommit
    let limiter = SignInLimiter()

    public init(store: CentreStore) throws {
        self.store = store
        accounts = try StaffAccounts(store: store)
        commits = GroupCommit(store: store, metrics: metrics)
    }

    /// The server as a Hummingbird application listening at `host`:`port` (0: a free
    /// port, which `listening` is told), answering HTTPS with `tls` when given.
    /// Session cookies are marked `Secure` under `tls`, or with `secureCookies` for a
    /// server reached over TLS through a proxy in front.
    /// - Throws: `ServerTLSError` when `tls`'s files cannot be used.
    public func application(
        host: String = "127.0.0.1", port: Int = 8080, tls: ServerTLS? = nil, secureCookies: Bool = false, logger: Logger? = nil,
        listening: @escaping @Sendable (_ port: Int) -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let server: HTTPServerBuilder = if let tls { try .tls(.http1(), tlsConfiguration: tls.configuration()) } else { .http1() }
        return Application(
            router: router(secureCookies: secureCookies || tls != nil),
            server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: "attest"),
            onServerRunning: { channel in listening(channel.localAddress?.port ?? port) },
            logger: logger ?? Logger(label: "attest.serve"))
    }

    func router(secureCookies: Bool) -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        router.add(middleware: RequestMetrics(metrics: metrics))
        router.add(middleware: LogRequestsMiddleware(.info))
        router.add(middleware: MethodNotAllowed(routes: [
            ("/healthz", [.get, .head]), ("/metrics", [.get, .head]), ("/openapi.yaml", [.get, .head]), ("/v1/session", [.post, .delete]),
            ("/v1/events", [.get, .head, .post]), ("/v1/events/subscribe", [.get, .head]), ("/v1/learners", [.get, .head]), ("/v1/learners/*/transcript", [.get, .head]),
            ("/v1/audit", [.get, .head]), ("/v1/sampling-grid", [.get, .head]), ("/v1/checkpoints", [.get, .head, .post]), ("/v1/checkpoints/latest", [.get, .head]),
            ("/v1/proofs/inclusion", [.get, .head]), ("/v1/proofs/consistency", [.get, .head]),
            ("/v1/bundles/store", [.get, .head]), ("/v1/learners/*/bundle", [.get, .head]),
            ("/v1/accounts", [.get, .head, .post]), ("/v1/accounts/*/reset", [.post]), ("/v1/accounts/*/disable", [.post]),
            ("/v1/tokens", [.post]), ("/v1/tokens/*", [.delete]),
            ("/", [.get, .head]), ("/sign-in", [.get, .head, .post]), ("/sign-out", [.post]), ("/learners", [.get, .head]),
            ("/learners/*", [.get, .head]), ("/sampling", [.get, .head, .post]), ("/audit", [.get, .head]), ("/checkpoints", [.get, .head, .post]),
        ].map { ($0.0.split(separator: "/"), $0.1) }))
        router.add(middleware: SessionMiddleware(
            storage: MemoryPersistDriver(),
            configuration: .init(
                sessionCookieParameters: .init(name: "attest_session", secure: secureCookies, sameSite: .strict),
                defaultSessionExpiration: .seconds(8 * 3600))))
        router.add(middleware: Authentication(accounts: accounts))
        router.add(middleware: PageProblems())

        router.get("/healthz") { _, _ in
            _ = try store.log.head()
            return "ok\n"
        }
        router.get("/metrics") { _, _ in
            metrics.logSize.set(Int64(try store.log.head().sequence))
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        }
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        router.post("/v1/session", use: signIn)
        router.delete("/v1/session") { _, context in
            context.sessions.clearSession()
            return Response(status: .noContent)
        }
        let events = EventRoutes(store: store, commits: commits, metrics: metrics)
        let reports = ReportRoutes(store: store)
        let checkpoints = CheckpointRoutes(store: store)
        let accountRoutes = AccountRoutes(accounts: accounts)
        let bundles = BundleRoutes(store: store)
        let api: [(HTTPRequest.Method, RouterPath, @Sendable (Request, ServerContext) async throws -> Response)] = [
            (.post, "/v1/events", events.append),
            (.get, "/v1/events", events.read),
            (.get, "/v1/events/subscribe", events.subscribe),
            (.get, "/v1/learners", reports.learners),
            (.get, "/v1/learners/{learner}/transcript", reports.transcript),
            (.get, "/v1/audit", reports.audit),
            (.get, "/v1/sampling-grid", reports.samplingGrid),
            (.post, "/v1/checkpoints", checkpoints.create),
            (.get, "/v1/checkpoints", checkpoints.list),
            (.get, "/v1/checkpoints/latest", checkpoints.latest),
            (.get, "/v1/proofs/inclusion", checkpoints.inclusion),
            (.get, "/v1/proofs/consistency", checkpoints.consistency),
            (.get, "/v1/accounts", accountRoutes.list),
            (.post, "/v1/accounts", accountRoutes.open),
            (.post, "/v1/accounts/{staff}/reset", accountRoutes.reset),
            (.post, "/v1/accounts/{staff}/disable", accountRoutes.disable),
            (.post, "/v1/tokens", accountRoutes.issue),
            (.delete, "/v1/tokens/{id}", accountRoutes.revoke),
            (.get, "/v1/bundles/store", bundles.store),
            (.get, "/v1/learners/{learner}/bundle", bundles.learner),
        ]
        for (method, path, handler) in api { router.on(path, method: method, use: handler) }
        PageRoutes(store: store, signIn: SignIn(accounts: accounts, limiter: limiter), events: events).add(to: router)
        return router
    }

    /// `POST /v1/session` with `{"staffId": …, "password": …}`: signs in, setting the
    /// session cookie, and answers the staff member, their roles and the session's CSRF token.
    @Sendable func signIn(_ request: Request, context: ServerContext) async throws -> Response {
        struct Credentials: Decodable {
            let staffId: String
            let password: String
        }
        let credentials = try await JSONBody.decode(
            Credentials.self, from: request, context: context, expecting: "a sign-in, a JSON object with staffId and password")
        let (staff, csrf) = try await SignIn(accounts: accounts, limiter: limiter).signIn(credentials.staffId, password: credentials.password, context: context)
        let roles = try store.staff(staff)?.roles.map(\.envelopeName) ?? []
        return try JSONBody.response(["staffId": staff, "roles": roles, "csrfToken": csrf])
    }
}

/// Counts each request by method, route and status, and times it.
struct RequestMetrics: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let method = request.method.rawValue
        do {
            let response = try await next(request, context)
            record(method, context.endpointPath ?? "unmatched", Int(response.status.code), since: start)
            return response
        } catch let error as HTTPResponseError {
            record(method, context.endpointPath ?? "unmatched", Int(error.status.code), since: start)
            throw error
        } catch {
            record(method, context.endpointPath ?? "unmatched", 500, since: start)
            throw error
        }
    }

    private func record(_ method: String, _ route: String, _ status: Int, since start: ContinuousClock.Instant) {
        metrics.requests(method, route, status).increment()
        metrics.latency(method, route).record(ContinuousClock.now - start)
    }
}
