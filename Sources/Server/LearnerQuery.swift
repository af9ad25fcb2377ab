import AttestKit
import Foundation

/// The learners a staff member reads, filtered, in natural order of their references, a
/// page at a time: what `GET /v1/learners` answers and the learners page shows.
struct LearnerQuery {
    var status: String?
    var qualification: String?
    var assessor: String?
    var iqa: String?
    /// A learner's reference or name (any part of either, in any case), or their ULN.
    var search: String?
    /// The last learner of the page before.
    var after: String?
    var limit = 100

    /// A learner as listed.
    struct Listed {
        let standing: LearnerStanding
        let registration: Attest_V1_LearnerRegistered
        /// Their names, when the query searched by them.
        var name: String?
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
        let readable = try Self.readable(on: store, by: principal)
        if let status, !Transcript.statuses.contains(status) {
            throw Problem.badRequest("status is \(status); it is one of \(Transcript.statuses.joined(separator: ", "))")
        }
        var matching = readable.filter { listed in
            let (standing, registration) = (listed.standing, listed.registration)
            return status.map { $0 == standing.status } ?? true && qualification.map { $0 == standing.qualification } ?? true
                && assessor.map { $0 == registration.assessor } ?? true && iqa.map { $0 == registration.internalQualityAssurer } ?? true
        }
        if let search = search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            matching = try Self.found(by: search, among: matching, in: store)
        }
        matching = matching.naturallySorted { $0.standing.learner }
        let from = after.map { after in matching.firstIndex { after.naturallyPrecedes($0.standing.learner) } ?? matching.endIndex } ?? 0
        let page = Array(matching[from...].prefix(limit))
        return Result(readable: readable, total: matching.count, page: page,
                      next: from + limit < matching.count ? page.last?.standing.learner : nil)
    }

    /// Every learner `principal` reads, in the order of their references' bytes.
    /// - Throws: `Problem` 403 for staff who read no learners.
    static func readable(on store: CentreStore, by principal: Principal) throws -> [Listed] {
        let all = principal.readsEveryLearner
        guard all || principal.holdsAny(of: [.assessor, .internalQualityAssurer, .externalQualityAssurer]) else {
            throw Problem.forbidden("\(principal.staffID) reads no learners' records")
        }
        let sampled = try Access(store: store).sample(of: principal)
        let registrations = try store.registrations()
        return try store.learnerStandings().compactMap { standing in
            guard let registration = registrations[standing.learner],
                  all || principal.follows(registration) || sampled.contains(standing.learner) else { return nil }
            return Listed(standing: standing, registration: registration)
        }
    }

    /// Those of `listed` that `search` finds: a ULN (10 digits) its learner; anything else
    /// the learners whose reference or names hold it, in any case (their names, opened from
    /// their records, given with each).
    private static func found(by search: String, among listed: [Listed], in store: CentreStore) throws -> [Listed] {
        if search.count == 10, search.allSatisfy({ $0.isASCII && $0.isNumber }), let learner = try store.learner(holdingULN: search) {
            return listed.filter { $0.standing.learner == learner }
        }
        let names = try store.learnerNames(of: listed.map(\.standing.learner))
        return listed.compactMap { listed in
            let name = names[listed.standing.learner]
            guard listed.standing.learner.localizedCaseInsensitiveContains(search) || name?.localizedCaseInsensitiveContains(search) == true else { return nil }
            var found = listed
            found.name = name
            return found
        }
    }
}
