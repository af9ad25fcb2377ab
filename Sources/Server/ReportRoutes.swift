import AttestKit
import Foundation
import Hummingbird

/// Learners' transcripts and the standardisation audit, for the staff the role matrix allows.
struct ReportRoutes {
    let store: CentreStore

    /// `GET /v1/learners/{learner}/transcript[?asOf=DATE]`: to an administrator, an
    /// awarding-organisation officer, the learner's own assessor and IQA, and an EQA who
    /// asked to see them (`eqa_sample.requested`).
    func transcript(_ request: Request, context: ServerContext) async throws -> Response {
        let principal = try context.signedIn()
        let learner = try context.parameters.require("learner")
        guard let registration = try store.registration(of: learner) else { throw Problem.notFound("learner \(learner) is not registered") }
        guard try principal.readsEveryLearner || principal.follows(registration) || sample(of: principal).contains(learner) else {
            throw Problem.forbidden("\(principal.staffID) is neither the assessor nor the IQA of learner \(learner), nor an EQA who asked to see them")
        }
        guard let transcript = try store.transcript(of: learner, asOf: try asOf(request)) else {
            throw Problem.notFound("learner \(learner) is not registered as of then")
        }
        return try respond(request, transcript, page: { TranscriptPage(transcript: transcript).html })
    }

    /// `GET /v1/learners[?status=&qualification=&after=&limit=]`: the learners the signed-in
    /// staff member may read (an assessor theirs, an IQA those they quality-assure, an EQA
    /// those they asked to see, administrators and awarding-organisation officers all), in
    /// natural order of their references, a page at a time: `next` is the `after` of the
    /// following page.
    func learners(_ request: Request, context: ServerContext) async throws -> Response {
        let principal = try context.signedIn()
        let all = principal.readsEveryLearner
        guard all || principal.holdsAny(of: [.assessor, .internalQualityAssurer, .externalQualityAssurer]) else {
            throw Problem.forbidden("\(principal.staffID) reads no learners' records")
        }
        let sampled = try sample(of: principal)
        let query = request.uri.queryParameters
        let limit = Int(try query["limit"].map { try EventRoutes.number($0, "limit", 1...1000) } ?? 100)
        let status = query["status"].map(String.init), qualification = query["qualification"].map(String.init)
        let after = query["after"].map(String.init)
        let statuses = ["in_progress", "achieved", "withdrawn", "certificated"]
        if let status, !statuses.contains(status) {
            throw Problem.badRequest("status is \(status); it is one of \(statuses.joined(separator: ", "))")
        }
        let registrations = try store.registrations()
        let natural = { (a: String, b: String) in a.compare(b, options: .numeric) == .orderedAscending }
        let listed = try store.learnerStandings().filter { standing in
            guard status.map({ $0 == standing.status }) ?? true, qualification.map({ $0 == standing.qualification }) ?? true,
                  after.map({ natural($0, standing.learner) }) ?? true, let registration = registrations[standing.learner]
            else { return false }
            return all || principal.follows(registration) || sampled.contains(standing.learner)
        }.sorted { natural($0.learner, $1.learner) }
        let page = listed.prefix(limit).map { standing -> [String: Any] in
            let registration = registrations[standing.learner]!
            return [
                "learner": standing.learner, "qualification": standing.qualification, "status": standing.status,
                "assessor": registration.assessor, "internalQualityAssurer": registration.internalQualityAssurer,
            ]
        }
        return try JSONBody.response(["learners": page, "next": listed.count > limit ? listed[limit - 1].learner : NSNull()] as [String: Any])
    }

    /// The learners `principal` asked to see as an EQA; none for other staff.
    private func sample(of principal: Principal) throws -> Set<String> {
        principal.holds(.externalQualityAssurer) ? try store.learners(sampledBy: principal.staffID) : []
    }

    /// `GET /v1/audit[?asOf=DATE]`: to administrators, IQAs, EQAs and awarding-organisation officers.
    func audit(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.signedIn(
            holdingAnyOf: [.centreAdministrator, .internalQualityAssurer, .externalQualityAssurer, .awardingOrganisationOfficer],
            else: "the audit is read by administrators, IQAs, EQAs and awarding-organisation officers")
        let audit = try store.audit(asOf: try asOf(request))
        return try respond(request, audit, page: { AuditPage(audit: audit, months: 12).html })
    }

    /// The report as JSON, or as the page `attest transcript --html` and `attest audit
    /// --html` write when the client asks for HTML (`Accept: text/html`) first.
    private func respond(_ request: Request, _ report: some Encodable, page: () -> String) throws -> Response {
        let accepted = request.headers[.accept] ?? ""
        guard let html = accepted.range(of: "text/html"), accepted.range(of: "application/json").map({ html.lowerBound < $0.lowerBound }) ?? true else {
            return try JSONBody.response(encoding: report)
        }
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page())))
    }

    /// `asOf`: a date (the end of that day in the centre's time zone) or a sequence.
    private func asOf(_ request: Request) throws -> AsOf? {
        guard let text = request.uri.queryParameters["asOf"].map(String.init) else { return nil }
        guard let point = AsOf(text) else {
            throw Problem.badRequest("asOf \(text) is not a sequence (1200), an instant (2025-03-01T12:00:00Z) or a day (2025-03-01)")
        }
        return point
    }
}
