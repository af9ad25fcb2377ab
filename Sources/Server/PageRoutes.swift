import AttestKit
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Pages

/// The centre's pages (docs/pages.md): the reports of the API as HTML for a browser,
/// signed in with a session and under the same role matrix; forms post back with the
/// session's CSRF token and go through the same rules.
struct PageRoutes {
    let store: CentreStore
    let signIn: SignIn
    let events: EventRoutes
    let renderer = PageRenderer()

    /// The paths the pages answer, for which problems are shown as pages.
    static func isPage(_ path: String) -> Bool {
        path == "/" || ["/sign-in", "/sign-out", "/learners", "/audit", "/checkpoints", "/sampling"].contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    func add(to router: Router<ServerContext>) {
        router.get("/sign-in", use: signInForm)
        router.post("/sign-in", use: signInPosted)
        router.post("/sign-out", use: signOut)
        router.get("/", use: dashboard)
        router.get("/learners", use: learners)
        router.get("/learners/{learner}", use: learner)
        router.get("/sampling", use: sampling)
        router.post("/sampling", use: recordSample)
        router.get("/audit", use: audit)
        router.get("/checkpoints", use: checkpoints)
        router.post("/checkpoints", use: signCheckpoint)
    }

    // MARK: Signing in and out

    @Sendable func signInForm(_ request: Request, context: ServerContext) async throws -> Response {
        if context.principal != nil { return Self.seeOther("/") }
        return html(Page(title: "Sign in", chrome: nil, template: "sign-in", body: SignInView(next: Self.next(request.uri.queryParameters["next"].map(String.init)))))
    }

    @Sendable func signInPosted(_ request: Request, context: ServerContext) async throws -> Response {
        struct Form: Decodable {
            let staffId: String
            let password: String
            let next: String?
        }
        let form = try await Self.form(Form.self, request, context)
        let next = Self.next(form.next)
        do {
            try await signIn.signIn(form.staffId, password: form.password, context: context)
        } catch let problem as Problem {
            return html(Page(title: "Sign in", chrome: nil, template: "sign-in", body: SignInView(staffID: form.staffId, next: next, error: problem.detail)),
                        status: problem.status, headers: problem.extraHeaders)
        }
        return Self.seeOther(next)
    }

    @Sendable func signOut(_ request: Request, context: ServerContext) async throws -> Response {
        context.sessions.clearSession()
        return Self.seeOther("/sign-in")
    }

    // MARK: Pages

    @Sendable func dashboard(_ request: Request, context: ServerContext) async throws -> Response {
        let principal = try context.signedIn()
        let readable = try LearnerQuery.readable(on: store, by: principal)
        let view = DashboardView(
            standings: readable.map(\.standing), scope: Access.scope(of: principal), logSize: try store.log.head().sequence,
            audit: principal.holdsAny(of: Access.auditReaders) ? try store.audit() : nil,
            checkpoints: principal.holdsAny(of: Principal.logReaders) ? try CheckpointLog(log: store.log).listings() : nil)
        return page("Dashboard", .dashboard, "dashboard", view, context)
    }

    @Sendable func learners(_ request: Request, context: ServerContext) async throws -> Response {
        let principal = try context.signedIn()
        let query = request.uri.queryParameters
        let text = { (name: String) in query[name[...]].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        let filters = LearnersView.Filters(q: text("q") ?? "", status: text("status") ?? "", qualification: text("qualification") ?? "",
                                           assessor: text("assessor") ?? "", iqa: text("iqa") ?? "")
        let found = try LearnerQuery(status: text("status"), qualification: text("qualification"), assessor: text("assessor"), iqa: text("iqa"),
                                     search: text("q"), after: text("after"), limit: 50).run(on: store, by: principal)
        let choices = (
            qualifications: Array(Set(found.readable.map { $0.standing.qualification })),
            assessors: Array(Set(found.readable.map { $0.registration.assessor })),
            iqas: Array(Set(found.readable.map { $0.registration.internalQualityAssurer })))
        let view = LearnersView(
            scope: Access.scope(of: principal), filters: filters, choices: choices,
            rows: found.page.map {
                LearnersView.Row(learner: $0.standing.learner, name: $0.name, qualification: $0.standing.qualification, status: $0.standing.status,
                                 assessor: $0.registration.assessor, iqa: $0.registration.internalQualityAssurer)
            },
            total: found.total, after: text("after"), nextAfter: found.next)
        return page("Learners", .learners, "learners", view, context)
    }

    @Sendable func learner(_ request: Request, context: ServerContext) async throws -> Response {
        let principal = try context.signedIn()
        let learner = try context.parameters.require("learner")
        _ = try Access(store: store).learner(learner, readBy: principal)
        guard let transcript = try store.transcript(of: learner) else { throw Problem.notFound("learner \(learner) is not registered") }
        let view = LearnerView(transcript: transcript, events: try LearnerView.events(of: learner, in: store), proofs: principal.holdsAny(of: Principal.logReaders))
        return page("Learner \(transcript.learnerHeading)", .learners, "learner", view, context)
    }

    @Sendable func audit(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.signedIn(holdingAnyOf: Access.auditReaders, else: Access.auditRefusal)
        let now = Date()
        let view = AuditView(audit: try store.audit(on: now), months: 12, on: String(Timestamp.format(now).prefix(10)))
        return page("Standardisation audit", .audit, "audit", view, context)
    }

    @Sendable func sampling(_ request: Request, context: ServerContext) async throws -> Response {
        let query = request.uri.queryParameters
        let recorded = query["recorded"].map { "Sample \($0) is recorded." }
        let page = try query["page"].map { Int(try EventRoutes.number($0, "page", 1...100_000)) } ?? 1
        return try samplingPage(context, assessor: query["assessor"].map(String.init), unit: query["unit"].map(String.init),
                                allAssessors: query["assessors"] == "all", page: page, notice: recorded)
    }

    /// The IQA's form: records `assessment.sampled` as the signed-in IQA, through the same
    /// checks and rules as `POST /v1/events`; a refusal is shown beside the form, in the rule's words.
    @Sendable func recordSample(_ request: Request, context: ServerContext) async throws -> Response {
        let principal = try context.signedIn(holdingAnyOf: [.internalQualityAssurer], else: "only an IQA records samples")
        struct Form: Decodable {
            let assessor: String
            let unit: String
            let page: Int?
            let assessors: String?
            let sampleId: String?
            let assessmentId: String?
            let stage: String?
            let outcome: String?
            let rationale: String?
            let requiredAction: String?
        }
        let form = try await Self.form(Form.self, request, context)
        let sample = form.sampleId ?? ""
        let payload: [String: String] = [
            "sampleId": sample, "assessmentId": form.assessmentId ?? "", "stage": (form.stage ?? "").uppercased(),
            "outcome": (form.outcome ?? "").uppercased(), "rationale": form.rationale ?? "", "requiredAction": form.requiredAction ?? "",
        ].filter { !$0.value.isEmpty }
        let line = try JSONSerialization.data(withJSONObject: [
            "id": UUID().uuidString.lowercased(), "type": EventType.assessmentSampled.rawValue, "actor": ["id": principal.staffID],
            "occurredAt": Timestamp.format(Date()), "payload": payload,
        ] as [String: Any])
        do {
            let event: CentreEvent
            do { event = try CentreEvent(line: Array(line)[...]) } catch let error as EventInputError {
                throw Problem.badRequest(error.description)
            }
            try EventRoutes.check(event, line: 1, by: principal)
            _ = try await events.record([event], lines: [1])
        } catch let problem as Problem {
            let refill = GridView.Form(csrf: context.sessions.session?.csrf ?? "", sampleID: sample, assessment: form.assessmentId ?? "", stage: form.stage ?? "interim",
                                       outcome: form.outcome ?? "agreed", rationale: form.rationale ?? "", requiredAction: form.requiredAction ?? "")
            var response = try samplingPage(context, assessor: form.assessor, unit: form.unit, allAssessors: form.assessors == "all",
                                            page: form.page ?? 1, form: refill,
                                            error: problem.detail.replacingOccurrences(of: "line 1: ", with: ""))
            response.status = problem.status
            return response
        }
        let rows = GridView.Rows.query(page: form.page ?? 1, all: form.assessors == "all")
        let recorded = sample.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return Self.seeOther(rows + "&recorded=\(recorded)" + GridView.cell(assessor: form.assessor, unit: form.unit))
    }

    /// The grid, 40 assessors a page: for an IQA those of the learners they quality-assure
    /// unless `allAssessors`, for others every assessor; with a cell's decisions when one is chosen.
    private func samplingPage(
        _ context: ServerContext, assessor: String?, unit: String?, allAssessors: Bool = false, page number: Int = 1,
        form: GridView.Form? = nil, notice: String? = nil, error: String? = nil
    ) throws -> Response {
        let principal = try context.signedIn(holdingAnyOf: Access.auditReaders, else: Access.auditRefusal)
        let grid = try store.samplingGrid()
        let iqa = principal.holds(.internalQualityAssurer)
        // The registrations say whose learners an IQA quality-assures and whose a cell's decisions are on.
        let registrations = iqa || (assessor != nil && unit != nil) ? try store.registrations() : [:]
        let own = iqa && !allAssessors ? Set(registrations.values.filter { $0.internalQualityAssurer == principal.staffID }.map(\.assessor)) : nil
        var cell: (String, String, [DecisionToSample])?
        if let assessor, let unit {
            // An IQA chooses among the decisions on the learners they quality-assure; others
            // see those on the assessor's own learners.
            let learners = registrations.filter { iqa ? $0.value.internalQualityAssurer == principal.staffID : $0.value.assessor == assessor }.map(\.key)
            cell = (assessor, unit, try store.decisions(by: assessor, on: unit, for: learners))
        }
        let fresh = iqa ? GridView.Form(csrf: context.sessions.session?.csrf ?? "") : nil
        let view = GridView(grid: grid, rows: .init(only: own, page: number), mine: iqa, cell: cell, form: form ?? fresh, notice: notice, error: error)
        return page("Sampling grid", .sampling, "sampling", view, context)
    }

    @Sendable func checkpoints(_ request: Request, context: ServerContext) async throws -> Response {
        try CheckpointRoutes.checkReader(context)
        let signed = request.uri.queryParameters["signed"].map { "Checkpoint \($0) is signed." }
        return try checkpointsPage(context, notice: signed)
    }

    /// The administrator's form: signs a checkpoint, then shows the list (or why it could not).
    @Sendable func signCheckpoint(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.signedIn(holdingAnyOf: [.centreAdministrator], else: "only a centre administrator signs checkpoints")
        do {
            let listing = try CheckpointRoutes.sign(store)
            return Self.seeOther("/checkpoints?signed=\(listing.number)")
        } catch let problem as Problem {
            var response = try checkpointsPage(context, error: problem.detail)
            response.status = problem.status
            return response
        }
    }

    private func checkpointsPage(_ context: ServerContext, notice: String? = nil, error: String? = nil) throws -> Response {
        let principal = try context.signedIn()
        let view = CheckpointsView(
            checkpoints: try CheckpointLog(log: store.log).listings(), logSize: try store.log.head().sequence,
            mayCreate: principal.holds(.centreAdministrator), csrf: context.sessions.session?.csrf ?? "", notice: notice, error: error)
        return page("Checkpoints", .checkpoints, "checkpoints", view, context)
    }

    // MARK: Rendering

    /// The sections the signed-in staff member's roles open.
    static func sections(of principal: Principal) -> [Section] {
        Section.allCases.filter { section in
            switch section {
            case .dashboard, .learners: true
            case .sampling, .audit: principal.holdsAny(of: Access.auditReaders)
            case .checkpoints: principal.holdsAny(of: Principal.logReaders)
            }
        }
    }

    private func page(_ title: String, _ section: Section, _ template: String, _ body: some Sendable, _ context: ServerContext) -> Response {
        html(Page(title: title, chrome: Self.chrome(context, current: section), template: template, body: body))
    }

    static func chrome(_ context: ServerContext, current: Section?) -> Chrome? {
        context.principal.map { principal in
            Chrome(staffID: principal.staffID, roles: principal.roles.map(\.envelopeName).sorted(), csrf: context.sessions.session?.csrf ?? "",
                   sections: sections(of: principal), current: current)
        }
    }

    func html(_ page: Page, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        Self.html(page, renderer: renderer, status: status, headers: headers)
    }

    /// `page` as a response, never cached: pages show what a staff member may read.
    static func html(_ page: Page, renderer: PageRenderer, status: HTTPResponse.Status, headers: HTTPFields) -> Response {
        var headers = headers
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: renderer.html(page))))
    }

    static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// Where to go after signing in: a path of this site, else the dashboard.
    static func next(_ path: String?) -> String {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.hasPrefix("/\\") else { return "/" }
        return path
    }

    /// A posted form (`application/x-www-form-urlencoded`) as `type`. - Throws: 400 naming what is wrong.
    static func form<F: Decodable>(_ type: F.Type, _ request: Request, _ context: ServerContext) async throws -> F {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        do {
            return try URLEncodedFormDecoder().decode(F.self, from: String(buffer: body))
        } catch {
            throw Problem.badRequest("the form is not complete: \(error)")
        }
    }
}

/// Shows a problem met on a page's path as a page, in the same words as the API's
/// problem details; one of not being signed in sends the browser to the sign-in page.
struct PageProblems: RouterMiddleware {
    let renderer = PageRenderer()

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        guard PageRoutes.isPage(request.uri.path) else { return try await next(request, context) }
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            if problem.status == .unauthorized {
                let path = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                return PageRoutes.seeOther("/sign-in?next=" + (path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
            }
            let page = Page(title: problem.title, chrome: PageRoutes.chrome(context, current: nil), template: "problem",
                            body: ProblemView(status: Int(problem.status.code), detail: problem.detail))
            return PageRoutes.html(page, renderer: renderer, status: problem.status, headers: problem.extraHeaders)
        }
    }
}
