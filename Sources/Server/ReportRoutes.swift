import AttestKit
import Foundation
import Hummingbird
import Pages

/// Learners' transcripts and the standardisation audit, for the staff the role matrix allows.
struct ReportRoutes {
    let store: CentreStore

    /// `GET /v1/learners/{learner}/transcript[?asOf=DATE]`: to those who read the learner (`Access.learner(_:readBy:)`).
    func transcript(_ request: Request, context: ServerContext) async throws -> Response {
        let learner = try context.parameters.require("learner")
        _ = try Access(store: store).learner(learner, readBy: try context.signedIn())
        guard let transcript = try store.transcript(of: learner, asOf: try Self.asOf(request)) else {
            throw Problem.notFound("learner \(learner) is not registered as of then")
        }
        return try respond(request, transcript, page: { PageRenderer().transcript(transcript, events: nil) })
    }

    /// `GET /v1/learners[?status=&qualification=&assessor=&iqa=&q=&after=&limit=]`: the
    /// learners the signed-in staff member may read (an assessor theirs, an IQA those they
    /// quality-assure, an EQA those they asked to see, administrators and
    /// awarding-organisation officers all), in natural order of their references, a page at
    /// a time: `next` is the `after` of the following page.
    func learners(_ request: Request, context: ServerContext) async throws -> Response {
        let query = request.uri.queryParameters
        let text = { (name: String) in query[name[...]].map(String.init) }
        let found = try LearnerQuery(
            status: text("status"), qualification: text("qualification"), assessor: text("assessor"), iqa: text("iqa"), search: text("q"),
            after: text("after"), limit: Int(try query["limit"].map { try EventRoutes.number($0, "limit", 1...1000) } ?? 100)
        ).run(on: store, by: try context.signedIn())
        let page = found.page.map { listed -> [String: Any] in
            [
                "learner": listed.standing.learner, "qualification": listed.standing.qualification, "status": listed.standing.status,
                "assessor": listed.registration.assessor, "internalQualityAssurer": listed.registration.internalQualityAssurer,
            ]
        }
        return try JSONBody.response(["learners": page, "next": found.next ?? NSNull()] as [String: Any])
    }

    /// `GET /v1/audit[?asOf=DATE]`: to administrators, IQAs, EQAs and awarding-organisation officers.
    func audit(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.signedIn(holdingAnyOf: Access.auditReaders, else: Access.auditRefusal)
        let now = Date()
        let audit = try store.audit(on: now, asOf: try Self.asOf(request))
        return try respond(request, audit, page: { PageRenderer().audit(audit, months: 12, on: now) })
    }

    /// `GET /v1/sampling-grid[?asOf=DATE]`: to those who read the audit.
    func samplingGrid(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.signedIn(holdingAnyOf: Access.auditReaders, else: Access.auditRefusal)
        return try JSONBody.response(encoding: try store.samplingGrid(asOf: try Self.asOf(request)))
    }

    /// The report as JSON, or as its page (`PageRenderer`) when the client asks for HTML
    /// (`Accept: text/html`) first.
    private func respond(_ request: Request, _ report: some Encodable, page: () -> String) throws -> Response {
        let accepted = request.headers[.accept] ?? ""
        guard let html = accepted.range(of: "text/html"), accepted.range(of: "application/json").map({ html.lowerBound < $0.lowerBound }) ?? true else {
            return try JSONBody.response(encoding: report)
        }
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page())))
    }

    /// `asOf`: a date (the end of that day in the centre's time zone) or a sequence.
    static func asOf(_ request: Request) throws -> AsOf? {
        guard let text = request.uri.queryParameters["asOf"].map(String.init) else { return nil }
        guard let point = AsOf(text) else {
            throw Problem.badRequest("asOf \(text) is not a sequence (1200), an instant (2025-03-01T12:00:00Z) or a day (2025-03-01)")
        }
        return point
    }
}
