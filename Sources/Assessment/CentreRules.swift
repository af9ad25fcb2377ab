import EventLog
import Foundation
import Records

/// The centre's rules, checked before an event is appended and again on replay.
///
/// `apply` checks one event against what the rules remember (an `EntityStore`) and,
/// when it passes, records its effect there. Each refusal names its rule and the facts.
public final class CentreRules: Sendable {
    /// How far past the store's clock an event may be dated.
    public static let futureTolerance: TimeInterval = 5 * 60

    let specifications = SpecificationCache()
    /// The centre's time zone, in which a rule about a day counts it.
    let timeZone: TimeZone

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    /// Checks `event`, recorded by `actor` and dated `occurredAt`, and remembers its effect.
    /// - Throws: `RuleViolation` naming the rule and the facts; nothing is remembered then.
    public func apply(
        _ event: DomainEvent, by actor: Actor, occurredAt: Date, recordedAt: Date, to store: any EntityStore
    ) throws {
        let context = RuleContext(
            entities: Entities(store: store), actor: actor, occurredAt: occurredAt, specifications: specifications,
            timeZone: timeZone)
        if occurredAt.timeIntervalSince(recordedAt) > Self.futureTolerance {
            throw RuleViolation(
                "future-dated",
                "occurredAt \(Timestamp.format(occurredAt)) is more than 5 minutes after the store's clock (\(Timestamp.format(recordedAt)))")
        }
        try context.checkActor(for: event)
        switch event {
        case let .specificationImported(m): try context.importSpecification(m)
        case let .staffRegistered(m): try context.registerStaff(m)
        case let .learnerRegistered(m): try context.registerLearner(m)
        case let .learnerWithdrawn(m): try context.withdrawLearner(m)
        case let .certificateClaimed(m): try context.claimCertificate(m)
        case let .adjustmentRequested(m): try context.requestAdjustment(m)
        case let .adjustmentApproved(m): try context.decideAdjustment(m.adjustmentID, approved: true)
        case let .adjustmentRejected(m): try context.decideAdjustment(m.adjustmentID, approved: false)
        case let .evidenceSubmitted(m): try context.submitEvidence(m)
        case let .evidenceAssessed(m): try context.assessEvidence(m)
        case let .evidenceWithdrawn(m): try context.withdrawEvidence(m)
        case let .assessmentSampled(m): try context.sampleAssessment(m)
        case let .decisionRevised(m): try context.reviseDecision(m)
        case let .standardisationRecorded(m): try context.recordStandardisation(m)
        case let .rplCredited(m): try context.creditRPL(m)
        case let .rplRevoked(m): try context.revokeRPL(m)
        }
    }
}

/// One event's check: the entities, who recorded it and when.
struct RuleContext {
    let entities: Entities
    let actor: Actor
    let occurredAt: Date
    let specifications: SpecificationCache
    let timeZone: TimeZone

    var micros: Int64 { occurredAt.microsecondsSinceEpoch }

    // MARK: who

    func checkActor(for event: DomainEvent) throws {
        guard let staff = try entities.staff(actor.id) else {
            if try !entities.anyStaff() {
                if case let .staffRegistered(m) = event, m.staffID == actor.id, m.roles.contains(.centreAdministrator) {
                    return
                }
                throw RuleViolation(
                    "first-administrator",
                    "the store has no staff yet: the first event must be a centre administrator registering themselves")
            }
            throw RuleViolation("registered-staff", "\(actor.id) is not registered staff")
        }
        let roles = staff.registration.roles
        if !actor.role.isEmpty, !roles.contains(where: { $0.envelopeName == actor.role }) {
            throw RuleViolation(
                "role", "actor role \(actor.role) is not one of \(actor.id)'s roles (\(names(roles)))")
        }
        let allowed = event.type.allowedRoles
        guard roles.contains(where: allowed.contains) else {
            throw RuleViolation(
                "role",
                "\(event.type.rawValue) may be recorded only by \(names(Array(allowed).sorted { $0.rawValue < $1.rawValue }, joiner: " or ")); \(actor.id) is \(names(roles))")
        }
    }

    /// Refuses an event dated before `earlier` (microseconds), which `what` describes.
    func checkOrder(_ subject: String, after earlier: Int64, _ what: String) throws {
        guard micros < earlier else { return }
        throw RuleViolation(
            "time-order",
            "\(subject) at \(Timestamp.format(occurredAt)) is before \(what) (\(Timestamp.format(Date(microsecondsSinceEpoch: earlier))))")
    }

    func staffMember(_ id: String, as role: Attest_V1_StaffRole, for purpose: String) throws -> Attest_V1_StaffState {
        guard let staff = try entities.staff(id) else {
            throw RuleViolation("registered-staff", "\(purpose) \(id) is not registered staff")
        }
        guard staff.registration.roles.contains(role) else {
            throw RuleViolation("role", "\(purpose) \(id) is not registered as \(role.envelopeName.replacingOccurrences(of: "_", with: " "))")
        }
        return staff
    }

    func checkCompetence(_ staffID: String, unit: String) throws {
        let staff = try entities.staff(staffID)
        guard staff?.registration.competentUnits.contains(unit) == true else {
            throw RuleViolation("assessor-competence", "\(staffID) is not recorded as competent to assess unit \(unit)")
        }
    }

    // MARK: specifications and staff

    func importSpecification(_ m: Attest_V1_SpecificationImported) throws {
        let specification = m.specification
        if let problem = SpecificationCheck.problem(in: specification) {
            throw RuleViolation("specification-well-formed", problem)
        }
        var state = try entities.specificationState(specification.id) ?? .init()
        let digest = try specification.digest
        if state.latestVersion > 0, state.latestDigest == digest {
            throw RuleViolation(
                "specification-unchanged", "specification \(specification.id) version \(state.latestVersion) is identical")
        }
        guard m.version == state.latestVersion + 1 else {
            throw RuleViolation(
                "specification-version",
                "specification \(specification.id) is at version \(state.latestVersion); the next import is version \(state.latestVersion + 1), not \(m.version)")
        }
        state.latestVersion = m.version
        state.latestDigest = digest
        try entities.set("specification", specification.id, state)
        try entities.set("specification-version", "\(specification.id)@\(m.version)", specification)
        try entities.store.save("specification-digest/\(specification.id)@\(m.version)", Array(digest))
    }

    func specification(_ id: String, version: UInt32) throws -> CompiledSpecification? {
        try specifications.specification(id, version: version, in: entities)
    }

    func registerStaff(_ m: Attest_V1_StaffRegistered) throws {
        if m.staffID.isEmpty { throw RuleViolation("well-formed", "staffId is empty") }
        if m.roles.isEmpty || m.roles.contains(where: { $0 == .unspecified }) {
            throw RuleViolation("well-formed", "staff \(m.staffID) needs one or more roles")
        }
        let assures = m.roles.contains(.assessor) || m.roles.contains(.internalQualityAssurer)
        if assures, m.status == .unspecified {
            throw RuleViolation("well-formed", "staff \(m.staffID) assesses or quality assures: status must be QUALIFIED or WORKING_TOWARDS")
        }
        var state = Attest_V1_StaffState()
        state.registration = m
        try entities.set("staff", m.staffID, state)
        try entities.noteStaff()
    }

    // MARK: learners

    func registerLearner(_ m: Attest_V1_LearnerRegistered) throws {
        if m.learnerID.isEmpty { throw RuleViolation("well-formed", "learnerId is empty") }
        if try entities.learner(m.learnerID) != nil {
            throw RuleViolation("learner-unique", "learner \(m.learnerID) is already registered")
        }
        guard let specification = try specification(m.qualification, version: m.specificationVersion) else {
            throw RuleViolation(
                "specification-known", "specification \(m.qualification) version \(m.specificationVersion) has not been imported")
        }
        guard let birth = CalendarDate(m.dateOfBirth) else {
            throw RuleViolation("well-formed", "dateOfBirth \(m.dateOfBirth) is not a date such as 2008-04-30")
        }
        let minimum = Int(specification.specification.minimumAge)
        let age = birth.age(on: occurredAt, in: timeZone)
        if age < minimum {
            throw RuleViolation(
                "minimum-age",
                "learner \(m.learnerID) is \(age) on \(CalendarDate(occurredAt, in: timeZone)); \(m.qualification) needs learners aged \(minimum) or over")
        }
        _ = try staffMember(m.assessor, as: .assessor, for: "assessor")
        _ = try staffMember(m.internalQualityAssurer, as: .internalQualityAssurer, for: "internal quality assurer")
        if !m.uln.isEmpty { try registerULN(m.uln, of: m.learnerID) }
        var state = Attest_V1_LearnerState()
        state.registration = m
        state.registeredAtMicros = micros
        try entities.set("learner", m.learnerID, state)
    }

    /// Refuses a ULN that is not 10 digits (the first not 0) or that another learner holds,
    /// and remembers whose it is.
    func registerULN(_ uln: String, of learner: String) throws {
        guard uln.utf8.count == 10, uln.utf8.allSatisfy({ (0x30...0x39).contains($0) }), !uln.hasPrefix("0") else {
            throw RuleViolation("well-formed", "uln \(uln) is not a unique learner number (10 digits, the first not 0)")
        }
        if let holder = try entities.store.load("uln/" + uln) {
            throw RuleViolation("uln-unique", "ULN \(uln) is already learner \(String(decoding: holder, as: UTF8.self))'s")
        }
        try entities.store.save("uln/" + uln, Array(learner.utf8))
    }

    /// The learner, registered and not withdrawn, with events dated after the registration.
    func activeLearner(_ id: String) throws -> Attest_V1_LearnerState {
        guard let learner = try entities.learner(id) else {
            throw RuleViolation("learner-registered", "learner \(id) is not registered")
        }
        if learner.withdrawn { throw RuleViolation("learner-withdrawn", "learner \(id) has withdrawn") }
        try checkOrder("the event", after: learner.registeredAtMicros, "learner \(id) was registered")
        return learner
    }

    func withdrawLearner(_ m: Attest_V1_LearnerWithdrawn) throws {
        var learner = try activeLearner(m.learnerID)
        learner.withdrawn = true
        try entities.set("learner", m.learnerID, learner)
    }

    /// The rules note the claim; whether it is earned is checked against the learner's
    /// transcript by the transcript projection, in the same transaction.
    func claimCertificate(_ m: Attest_V1_CertificateClaimed) throws {
        var learner = try activeLearner(m.learnerID)
        if learner.certificated {
            throw RuleViolation("certificate-once", "a certificate is already claimed for learner \(m.learnerID)")
        }
        learner.certificated = true
        try entities.set("learner", m.learnerID, learner)
    }

    func learnerSpecification(_ learner: Attest_V1_LearnerState) throws -> CompiledSpecification {
        let registration = learner.registration
        guard let specification = try specification(registration.qualification, version: registration.specificationVersion) else {
            throw RuleViolation("specification-known", "specification \(registration.qualification) version \(registration.specificationVersion) is missing")
        }
        return specification
    }

    /// The unit's criteria in the learner's specification version.
    func criteria(of unit: String, for learner: Attest_V1_LearnerState) throws -> [String: Int] {
        guard let criteria = try learnerSpecification(learner).criteria[unit] else {
            let r = learner.registration
            throw RuleViolation(
                "specification-criteria",
                "unit \(unit) is not in \(r.qualification) version \(r.specificationVersion), which learner \(r.learnerID) is registered on")
        }
        return criteria
    }

    func checkCriteria(_ claimed: [String], in unit: String, for learner: Attest_V1_LearnerState) throws {
        let known = try criteria(of: unit, for: learner)
        if let unknown = claimed.first(where: { known[$0] == nil }) {
            throw RuleViolation("specification-criteria", "criterion \(unknown) is not in unit \(unit)")
        }
        if Set(claimed).count != claimed.count {
            throw RuleViolation("well-formed", "a criterion is listed twice")
        }
    }

    // MARK: reasonable adjustments

    func requestAdjustment(_ m: Attest_V1_ReasonableAdjustmentRequested) throws {
        if m.adjustmentID.isEmpty || m.arrangement.isEmpty {
            throw RuleViolation("well-formed", "a reasonable adjustment needs an adjustmentId and an arrangement")
        }
        if try entities.adjustment(m.adjustmentID) != nil {
            throw RuleViolation("id-unique", "adjustment \(m.adjustmentID) is already recorded")
        }
        var learner = try activeLearner(m.learnerID)
        for unit in m.units { _ = try criteria(of: unit, for: learner) }
        learner.pendingAdjustments.append(m.adjustmentID)
        try entities.set("learner", m.learnerID, learner)
        var state = Attest_V1_AdjustmentState()
        state.request = m
        try entities.set("adjustment", m.adjustmentID, state)
    }

    func decideAdjustment(_ id: String, approved: Bool) throws {
        guard var adjustment = try entities.adjustment(id) else {
            throw RuleViolation("adjustment-known", "adjustment \(id) has not been requested")
        }
        if adjustment.decision != 0 {
            throw RuleViolation("adjustment-pending", "adjustment \(id) is already \(adjustment.decision == 1 ? "approved" : "rejected")")
        }
        var learner = try activeLearner(adjustment.request.learnerID)
        adjustment.decision = approved ? 1 : 2
        learner.pendingAdjustments.removeAll { $0 == id }
        if approved {
            var approval = Attest_V1_ApprovedAdjustment()
            approval.adjustmentID = id
            approval.units = adjustment.request.units
            learner.approvedAdjustments.append(approval)
        }
        try entities.set("adjustment", id, adjustment)
        try entities.set("learner", adjustment.request.learnerID, learner)
    }

    // MARK: evidence and decisions

    func submitEvidence(_ m: Attest_V1_EvidenceSubmitted) throws {
        if m.evidenceID.isEmpty { throw RuleViolation("well-formed", "evidenceId is empty") }
        if try entities.evidence(m.evidenceID) != nil {
            throw RuleViolation("id-unique", "evidence \(m.evidenceID) is already recorded")
        }
        let learner = try activeLearner(m.learnerID)
        if m.criteria.isEmpty { throw RuleViolation("well-formed", "evidence \(m.evidenceID) claims no criteria") }
        try checkCriteria(m.criteria, in: m.unit, for: learner)
        if m.method == .unspecified { throw RuleViolation("well-formed", "evidence \(m.evidenceID) has no method") }
        let testimony = m.method == .witnessTestimony || m.method == .expertWitnessTestimony
        if testimony, m.witness.isEmpty {
            throw RuleViolation("witness-named", "evidence \(m.evidenceID) is witness testimony but names no witness")
        }
        let artefact = m.artefact
        if artefact.sha256.utf8.count != 64 || !artefact.sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) {
            throw RuleViolation("well-formed", "artefact sha256 of evidence \(m.evidenceID) is not 64 lowercase hexadecimal digits")
        }
        if artefact.mediaType.isEmpty || artefact.sizeBytes == 0 {
            throw RuleViolation("well-formed", "artefact of evidence \(m.evidenceID) needs a media type and a size")
        }
        var state = Attest_V1_EvidenceState()
        state.submission = m
        state.submittedBy = actor.id
        state.occurredAtMicros = micros
        try entities.set("evidence", m.evidenceID, state)
    }

    /// The evidence, present and not withdrawn.
    func standingEvidence(_ id: String) throws -> Attest_V1_EvidenceState {
        guard let evidence = try entities.evidence(id) else {
            throw RuleViolation("evidence-known", "evidence \(id) has not been submitted")
        }
        if evidence.withdrawn { throw RuleViolation("evidence-withdrawn", "evidence \(id) has been withdrawn") }
        return evidence
    }

    /// Checks that the actor may judge `evidence`: not its submitter or witness, and competent in its unit.
    func checkJudge(of evidence: Attest_V1_EvidenceState) throws {
        let submission = evidence.submission
        if evidence.submittedBy == actor.id {
            throw RuleViolation("independent-assessor", "\(actor.id) submitted evidence \(submission.evidenceID) and cannot assess it")
        }
        if submission.witness == actor.id {
            throw RuleViolation("independent-assessor", "\(actor.id) witnessed evidence \(submission.evidenceID) and cannot assess it")
        }
        try checkCompetence(actor.id, unit: submission.unit)
    }

    func checkDecisions(_ decisions: [Attest_V1_CriterionDecision], against evidence: Attest_V1_EvidenceState) throws {
        if decisions.isEmpty { throw RuleViolation("well-formed", "no decisions are given") }
        let claimed = Set(evidence.submission.criteria)
        for decision in decisions {
            if decision.outcome == .unspecified {
                throw RuleViolation("well-formed", "criterion \(decision.criterion) has no outcome (MET or NOT_YET_MET)")
            }
            if !claimed.contains(decision.criterion) {
                throw RuleViolation(
                    "criteria-claimed",
                    "criterion \(decision.criterion) is not claimed by evidence \(evidence.submission.evidenceID) (it claims \(evidence.submission.criteria.joined(separator: ", ")))")
            }
        }
        if Set(decisions.map(\.criterion)).count != decisions.count {
            throw RuleViolation("well-formed", "a criterion is decided twice")
        }
    }

    func assessEvidence(_ m: Attest_V1_EvidenceAssessed) throws {
        if m.assessmentID.isEmpty { throw RuleViolation("well-formed", "assessmentId is empty") }
        if try entities.assessment(m.assessmentID) != nil {
            throw RuleViolation("id-unique", "assessment \(m.assessmentID) is already recorded")
        }
        let evidence = try standingEvidence(m.evidenceID)
        let unit = evidence.submission.unit
        let learner = try activeLearner(evidence.submission.learnerID)
        try checkJudge(of: evidence)
        try checkDecisions(m.decisions.map(\.decision), against: evidence)
        if let unnamed = m.decisions.first(where: { if case .UNRECOGNIZED = $0.method { true } else { false } }) {
            throw RuleViolation("well-formed", "criterion \(unnamed.criterion) names an unknown method")
        }
        try checkOrder("assessment", after: evidence.occurredAtMicros, "evidence \(m.evidenceID) was submitted")
        if let pending = try learner.pendingAdjustments.first(where: { try applies(entities.adjustment($0)?.request.units ?? [], to: unit) }) {
            throw RuleViolation(
                "adjustment-decided-first",
                "learner \(learner.registration.learnerID) has reasonable adjustment \(pending) awaiting the awarding organisation's decision")
        }
        let applying = learner.approvedAdjustments.filter { applies($0.units, to: unit) }.map(\.adjustmentID)
        let approved = Set(learner.approvedAdjustments.map(\.adjustmentID))
        for decision in m.decisions {
            if let stray = decision.adjustmentsApplied.first(where: { !approved.contains($0) }) {
                throw RuleViolation(
                    "adjustment-recorded",
                    "adjustment \(stray) on criterion \(decision.criterion) is not an approved adjustment of learner \(learner.registration.learnerID)")
            }
        }
        let applied = Set(m.decisions.flatMap(\.adjustmentsApplied))
        if let missing = applying.first(where: { !applied.contains($0) }) {
            throw RuleViolation(
                "adjustment-recorded",
                "approved adjustment \(missing) applies to unit \(unit) and must be listed in the adjustmentsApplied of the criteria it was used for")
        }
        var state = Attest_V1_AssessmentState()
        state.evidenceID = m.evidenceID
        state.assessor = actor.id
        state.decidedAtMicros = micros
        try entities.set("assessment", m.assessmentID, state)
    }

    func applies(_ units: [String], to unit: String) -> Bool { units.isEmpty || units.contains(unit) }

    func withdrawEvidence(_ m: Attest_V1_EvidenceWithdrawn) throws {
        var evidence = try standingEvidence(m.evidenceID)
        _ = try activeLearner(evidence.submission.learnerID)
        if m.reason.isEmpty { throw RuleViolation("well-formed", "withdrawing evidence \(m.evidenceID) needs a reason") }
        evidence.withdrawn = true
        try entities.set("evidence", m.evidenceID, evidence)
    }

    /// The assessment, with its evidence standing and its learner active.
    func standingAssessment(_ id: String) throws -> (Attest_V1_AssessmentState, Attest_V1_EvidenceState) {
        guard let assessment = try entities.assessment(id) else {
            throw RuleViolation("assessment-known", "assessment \(id) has not been recorded")
        }
        let evidence = try standingEvidence(assessment.evidenceID)
        _ = try activeLearner(evidence.submission.learnerID)
        return (assessment, evidence)
    }

    // MARK: quality assurance

    func sampleAssessment(_ m: Attest_V1_AssessmentSampled) throws {
        if m.sampleID.isEmpty { throw RuleViolation("well-formed", "sampleId is empty") }
        if try entities.sample(m.sampleID) != nil {
            throw RuleViolation("id-unique", "sample \(m.sampleID) is already recorded")
        }
        let (assessment, _) = try standingAssessment(m.assessmentID)
        if assessment.assessor == actor.id {
            throw RuleViolation("independent-sampler", "\(actor.id) made assessment \(m.assessmentID) and cannot sample it")
        }
        if m.stage == .unspecified || m.outcome == .unspecified {
            throw RuleViolation("well-formed", "a sample needs a stage (INTERIM or SUMMATIVE) and an outcome (AGREED or DISAGREED)")
        }
        if m.outcome == .disagreed, m.rationale.isEmpty || m.requiredAction.isEmpty {
            throw RuleViolation("disagreement-explained", "a disagreed sample needs a rationale and a required action")
        }
        try checkOrder("sample", after: assessment.decidedAtMicros, "assessment \(m.assessmentID) was decided")
        var state = Attest_V1_SampleState()
        state.assessmentID = m.assessmentID
        state.outcome = m.outcome
        state.sampledAtMicros = micros
        try entities.set("sample", m.sampleID, state)
    }

    func reviseDecision(_ m: Attest_V1_DecisionRevised) throws {
        guard var sample = try entities.sample(m.sampleID) else {
            throw RuleViolation("sample-known", "sample \(m.sampleID) has not been recorded")
        }
        if sample.assessmentID != m.assessmentID {
            throw RuleViolation("sample-known", "sample \(m.sampleID) is of assessment \(sample.assessmentID), not \(m.assessmentID)")
        }
        if sample.outcome != .disagreed {
            throw RuleViolation("revision-after-disagreement", "sample \(m.sampleID) agreed with the decision; there is nothing to revise")
        }
        if sample.revised { throw RuleViolation("revision-after-disagreement", "the decision sampled by \(m.sampleID) is already revised") }
        let (_, evidence) = try standingAssessment(m.assessmentID)
        try checkJudge(of: evidence)
        try checkDecisions(m.decisions, against: evidence)
        if m.rationale.isEmpty { throw RuleViolation("well-formed", "a revision needs a rationale") }
        try checkOrder("revision", after: sample.sampledAtMicros, "sample \(m.sampleID) was recorded")
        sample.revised = true
        try entities.set("sample", m.sampleID, sample)
    }

    func recordStandardisation(_ m: Attest_V1_StandardisationRecorded) throws {
        if m.activityID.isEmpty { throw RuleViolation("well-formed", "activityId is empty") }
        if try entities.store.load("standardisation/" + m.activityID) != nil {
            throw RuleViolation("id-unique", "standardisation \(m.activityID) is already recorded")
        }
        _ = try staffMember(m.ledBy, as: .internalQualityAssurer, for: "lead")
        if m.participants.isEmpty { throw RuleViolation("well-formed", "standardisation \(m.activityID) names no participants") }
        for participant in m.participants where try entities.staff(participant) == nil {
            throw RuleViolation("registered-staff", "participant \(participant) is not registered staff")
        }
        if m.agreedOutcome.isEmpty { throw RuleViolation("well-formed", "standardisation \(m.activityID) records no agreed outcome") }
        try entities.store.save("standardisation/" + m.activityID, [1])
    }

    // MARK: recognition of prior learning

    func creditRPL(_ m: Attest_V1_RplCredited) throws {
        if m.rplID.isEmpty { throw RuleViolation("well-formed", "rplId is empty") }
        if try entities.rpl(m.rplID) != nil { throw RuleViolation("id-unique", "RPL \(m.rplID) is already recorded") }
        var learner = try activeLearner(m.learnerID)
        try checkCompetence(actor.id, unit: m.unit)
        if m.evidence.isEmpty { throw RuleViolation("well-formed", "RPL \(m.rplID) does not say what evidence it rests on") }
        switch m.basis {
        case .creditTransfer:
            if !m.criteria.isEmpty { throw RuleViolation("well-formed", "credit transfer credits the whole unit: list no criteria") }
            _ = try criteria(of: m.unit, for: learner)
            if learner.creditedUnits.contains(m.unit) {
                throw RuleViolation("rpl-once", "unit \(m.unit) is already credited to learner \(m.learnerID)")
            }
            learner.creditedUnits.append(m.unit)
        case .priorLearning:
            if m.criteria.isEmpty { throw RuleViolation("well-formed", "prior learning credit lists the criteria it credits") }
            try checkCriteria(m.criteria, in: m.unit, for: learner)
            if learner.creditedUnits.contains(m.unit) {
                throw RuleViolation("rpl-once", "unit \(m.unit) is already credited to learner \(m.learnerID)")
            }
            for criterion in m.criteria where learner.creditedCriteria.contains("\(m.unit) \(criterion)") {
                throw RuleViolation("rpl-once", "criterion \(criterion) of unit \(m.unit) is already credited to learner \(m.learnerID)")
            }
            learner.creditedCriteria += m.criteria.map { "\(m.unit) \($0)" }
        case .unspecified, .UNRECOGNIZED:
            throw RuleViolation("well-formed", "RPL \(m.rplID) needs a basis (CREDIT_TRANSFER or PRIOR_LEARNING)")
        }
        var state = Attest_V1_RplState()
        state.credit = m
        try entities.set("rpl", m.rplID, state)
        try entities.set("learner", m.learnerID, learner)
    }

    func revokeRPL(_ m: Attest_V1_RplRevoked) throws {
        guard var rpl = try entities.rpl(m.rplID) else {
            throw RuleViolation("rpl-known", "RPL \(m.rplID) has not been credited")
        }
        if rpl.revoked { throw RuleViolation("rpl-known", "RPL \(m.rplID) is already revoked") }
        if m.reason.isEmpty { throw RuleViolation("well-formed", "revoking RPL \(m.rplID) needs a reason") }
        let credit = rpl.credit
        var learner = try activeLearner(credit.learnerID)
        learner.creditedUnits.removeAll { $0 == credit.unit && credit.basis == .creditTransfer }
        learner.creditedCriteria.removeAll { entry in credit.criteria.contains { entry == "\(credit.unit) \($0)" } }
        rpl.revoked = true
        try entities.set("rpl", m.rplID, rpl)
        try entities.set("learner", credit.learnerID, learner)
    }
}

private func names(_ roles: [Attest_V1_StaffRole], joiner: String = ", ") -> String {
    roles.map { $0.envelopeName.replacingOccurrences(of: "_", with: " ") }.joined(separator: joiner)
}
