import AttestKit
import Foundation
import Hummingbird

/// Learners' transcripts and the standardisation audit, for the staff the role matrix allows.
struct ReportRoutes {
    let store: CentreStore

    /// `GET /v1/learners/{learner}/transcript[?asOf=DATE]`: to an administrator, an
    /// awarding-organisation officer, and the learner's own assessor and IQA.
    func transcript(_ request: Request, context: ServerContext) async throws -> Response {
        let principal = try context.signedIn()
        let learner = try context.parameters.require("learner")
        guard let registration = try store.registration(of: learner) else { throw Problem.notFound("learner \(learner) is not registered") }
        let own = (principal.holds(.assessor) && registration.assessor == principal.staffID)
            || (principal.holds(.internalQualityAssurer) && registration.internalQualityAssurer == principal.staffID)
        guard own || principal.holds(.centreAdministrator) || principal.holds(.awardingOrganisationOfficer) else {
            throw Problem.forbidden("\(principal.staffID) is neither the assessor nor the IQA of learner \(learner)")
        }
        guard let transcript = try store.transcript(of: learner, asOf: try asOf(request)) else {
            throw Problem.notFound("learner \(learner) is not registered as of then")
        }
        return try JSONBody.response(encoding: transcript)
    }

    /// `GET /v1/audit[?asOf=DATE]`: to administrators, IQAs, EQAs and awarding-organisation officers.
    func audit(_ request: Request, context: ServerContext) async throws -> Response {
        let principal = try context.signedIn()
        guard !principal.roles.isDisjoint(with: [.centreAdministrator, .internalQualityAssurer, .externalQualityAssurer, .awardingOrganisationOfficer]) else {
            throw Problem.forbidden("the audit is read by administrators, IQAs, EQAs and awarding-organisation officers")
        }
        return try JSONBody.response(encoding: try store.audit(asOf: try asOf(request)))
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
