import AttestKit

/// Who reads what, for the API and the pages alike (the role matrix of docs/server.md).
struct Access {
    let store: CentreStore

    /// Who reads the standardisation audit and the sampling grid.
    static let auditReaders: Set<Attest_V1_StaffRole> = [.centreAdministrator, .internalQualityAssurer, .externalQualityAssurer, .awardingOrganisationOfficer]

    static let auditRefusal = "the audit is read by administrators, IQAs, EQAs and awarding-organisation officers"

    /// The registration of learner `learner`, whose records `principal` reads: an
    /// administrator, an awarding-organisation officer, the learner's own assessor and
    /// IQA, and an EQA who asked to see them (`eqa_sample.requested`).
    /// - Throws: `Problem` 404 for an unknown learner, 403 for one they do not read.
    func learner(_ learner: String, readBy principal: Principal) throws -> Attest_V1_LearnerRegistered {
        guard let registration = try store.registration(of: learner) else { throw Problem.notFound("learner \(learner) is not registered") }
        guard try principal.readsEveryLearner || principal.follows(registration) || sample(of: principal).contains(learner) else {
            throw Problem.forbidden("\(principal.staffID) is neither the assessor nor the IQA of learner \(learner), nor an EQA who asked to see them")
        }
        return registration
    }

    /// The learners `principal` asked to see as an EQA; none for other staff.
    func sample(of principal: Principal) throws -> Set<String> {
        principal.holds(.externalQualityAssurer) ? try store.learners(sampledBy: principal.staffID) : []
    }

    /// Which learners `principal` reads, in words.
    static func scope(of principal: Principal) -> String {
        if principal.readsEveryLearner { return "Every learner of the centre." }
        var whose: [String] = []
        if principal.holds(.assessor) { whose.append("the learners \(principal.staffID) assesses") }
        if principal.holds(.internalQualityAssurer) { whose.append("the learners \(principal.staffID) quality-assures") }
        if principal.holds(.externalQualityAssurer) { whose.append("the learners \(principal.staffID) asked to see as an EQA") }
        let text = whose.joined(separator: " and ")
        return whose.isEmpty ? "No learners." : text.prefix(1).uppercased() + text.dropFirst() + "."
    }
}
