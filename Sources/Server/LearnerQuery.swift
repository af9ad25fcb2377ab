import AttestKit
import Foundation

/// The learners a staff member reads, filtered, in natural order of their references, a
/// page at a time: what `GET /v1/learners` answers and the learners page shows.
struct LearnerQuery {
    var status: String?
    var qualification: String?
    var assessor: String?
    var iqa: String?
    /// A learner's reference (any part of it, in any case) or their ULN.
    var search: String?
    /// The last learner of the page before.
    var after: String?
    var limit = 100

    static let statuses = ["in_progress", "achieved", "withdrawn", "certificated"]

    /// A learner as listed.
    struct Listed {
        let standing: LearnerStanding
        let registration: Attest_V1_LearnerRegistered
    }

    /// What the query finds: every learner `principal` reads (for the filters' choices),
    /// how many match, the page, and the `after` of the next page when there is one.
    struct Result {
        let readable: [Listed]
        let total: Int
        let page: [Listed]
        let next: String?
    }

    /// - Throws: `Problem` 400 for a status that is not one, 403 for staff who read no learners.
    func run(on store: CentreStore, by principal: Principal) throws -> Result {
        let all = principal.readsEveryLearner
        guard all || principal.holdsAny(of: [.assessor, .internalQualityAssurer, .externalQualityAssurer]) else {
            throw Problem.forbidden("\(principal.staffID) reads no learners' records")
        }
        if let status, !Self.statuses.contains(status) {
            throw Problem.badRequest("status is \(status); it is one of \(Self.statuses.joined(separator: ", "))")
        }
        let sampled = try Access(store: store).sample(of: principal)
        let registrations = try store.registrations()
        let readable: [Listed] = try store.learnerStandings().compactMap { standing in
            guard let registration = registrations[standing.learner],
                  all || principal.follows(registration) || sampled.contains(standing.learner) else { return nil }
            return Listed(standing: standing, registration: registration)
        }
        let found = try search.flatMap { try Self.found(by: $0, in: store) }
        let matching = readable.filter { listed in
            let (standing, registration) = (listed.standing, listed.registration)
            return status.map { $0 == standing.status } ?? true && qualification.map { $0 == standing.qualification } ?? true
                && assessor.map { $0 == registration.assessor } ?? true && iqa.map { $0 == registration.internalQualityAssurer } ?? true
                && found.map { $0(standing.learner) } ?? true
        }.naturallySorted { $0.standing.learner }
        let from = after.map { after in matching.firstIndex { after.naturallyPrecedes($0.standing.learner) } ?? matching.endIndex } ?? 0
        let page = Array(matching[from...].prefix(limit))
        return Result(readable: readable, total: matching.count, page: page,
                      next: from + limit < matching.count ? page.last?.standing.learner : nil)
    }

    /// Which learners `search` finds: a ULN (10 digits) finds its learner, anything else
    /// the learners whose reference holds it.
    private static func found(by search: String, in store: CentreStore) throws -> ((String) -> Bool)? {
        let text = search.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if text.count == 10, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber), let learner = try store.learner(holdingULN: text) {
            return { $0 == learner || $0.localizedCaseInsensitiveContains(text) }
        }
        return { $0.localizedCaseInsensitiveContains(text) }
    }
}
