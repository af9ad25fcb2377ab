import EventLog
import Foundation
import Records

/// The centre's rules, checked before an event is appended and again on replay.
///
/// `apply` checks one event against what the rules remember (a `RulesMemory`) and,
/// when it passes, records its effect there. Each refusal names its rule and the facts.
public final class CentreRules: Sendable {
    /// How far past the store's clock an event may be dated.
    public static let futureTolerance: TimeInterval = 5 * 60

    package let specifications = SpecificationCache()
    /// The centre's time zone, in which a rule about a day counts it.
    package let timeZone: TimeZone
    /// A keyed digest of a ULN, under which the rules remember whose it is: never the
    /// ULN itself, which is personal data.
    let ulnDigest: @Sendable (String) throws -> String

    public init(timeZone: TimeZone, ulnDigest: @escaping @Sendable (String) throws -> String) {
        self.timeZone = timeZone
        self.ulnDigest = ulnDigest
    }

    /// Checks `event`, the record at `sequence`, written at schema `schemaVersion`, recorded by `actor`, dated
    /// `occurredAt` and recorded by the store at `recordedAt` (both in microseconds since
    /// 1970-01-01T00:00:00Z), and remembers its effect. A rule that needs a field an older schema
    /// version lacks does not apply to records of that version.
    /// - Throws: `RuleViolation` naming the rule and the facts; nothing is remembered then.
    public func apply(
        _ event: DomainEvent, sequence: UInt64, schemaVersion: UInt32, by actor: Actor, occurredAt: Int64, recordedAt: Int64,
        to memory: RulesMemory
    ) throws {
        var context = RuleContext(
            entities: Entities(memory: memory), actor: actor, micros: occurredAt, schemaVersion: schemaVersion,
            specifications: specifications, timeZone: timeZone, ulnDigest: ulnDigest)
        if occurredAt - recordedAt > Int64(Self.futureTolerance * 1_000_000) {
            throw RuleViolation(
                "future-dated",
                "occurredAt \(Timestamp.format(micros: occurredAt)) is more than 5 minutes after the store's clock (\(Timestamp.format(micros: recordedAt)))")
        }
        context.actorStaff = try context.checkActor(for: event)
        switch event {
        case let .specificationImported(m): try context.importSpecification(m)
        case let .staffRegistered(m): try context.registerStaff(m)
        case let .learnerRegistered(m): try context.registerLearner(m)
        case let .learnerNameCorrected(m): try context.correctName(m)
        case let .learnerWithdrawn(m): try context.withdrawLearner(m)
        case let .learnerErased(m): try context.eraseLearner(m)
        case let .certificateClaimed(m): try context.claimCertificate(m)
        case let .adjustmentRequested(m): try context.requestAdjustment(m)
        case let .adjustmentApproved(m): try context.decideAdjustment(m.adjustmentID, approved: true)
        case let .adjustmentRejected(m):
            try context.requireReason(m.reason, "reason", of: "the rejection of adjustment \(m.adjustmentID)")
            try context.decideAdjustment(m.adjustmentID, approved: false)
        case let .evidenceSubmitted(m): try context.submitEvidence(m)
        case let .evidenceAssessed(m): try context.assessEvidence(m)
        case let .evidenceWithdrawn(m): try context.withdrawEvidence(m)
        case let .assessmentSampled(m): try context.sampleAssessment(m)
        case let .decisionRevised(m): try context.reviseDecision(m)
        case let .standardisationRecorded(m): try context.recordStandardisation(m)
        case let .eqaSampleRequested(m): try context.requestEQASample(m)
        case let .simulationReviewed(m): try context.reviewSimulation(m)
        case let .rplCredited(m): try context.creditRPL(m)
        case let .rplRevoked(m): try context.revokeRPL(m)
        case let .accountOpened(m): try context.openAccount(m.staffID)
        case let .accountReset(m): try context.resetAccount(m.staffID)
        case let .accountDisabled(m): try context.disableAccount(m.staffID)
        case let .tokenIssued(m): try context.issueToken(m)
        case let .tokenRevoked(m): try context.revokeToken(m)
        }
        try context.progress.apply(event, by: actor.id, at: context.micros, sequence: sequence)
    }
}

/// One event's check: the entities, who recorded it and when.
///
/// A refusal's words are built only when it is thrown: the subjects the checks name are
/// autoclosures, or lazy locals made from the event's ids (a lazy local captures what it
/// names, and capturing the event's message would copy it at every event).
struct RuleContext {
    let entities: Entities
    let actor: Actor
    /// When the event happened, in microseconds since 1970-01-01T00:00:00Z.
    let micros: Int64
    /// The schema version the event was written with.
    let schemaVersion: UInt32
    let specifications: SpecificationCache
    let timeZone: TimeZone
    let ulnDigest: @Sendable (String) throws -> String
    /// The actor's registration as staff, once `checkActor` has found it; `nil` for a learner.
    var actorStaff: Attest_V1_StaffRegistered?

    var occurredAt: Date { Date(microsecondsSinceEpoch: micros) }

    /// The learners' records as the rules keep them, for the rules that weigh what a learner has achieved.
    var progress: LearnerProgress {
        LearnerProgress(records: RulesLearnerRecords(entities: entities)) { [entities, specifications] id, version in
            try specifications.specification(id, version: version, in: entities)
        }
    }

    // MARK: who

    /// - Returns: the actor's registration as staff; `nil` for a learner, or the first administrator registering themselves.
    func checkActor(for event: DomainEvent) throws -> Attest_V1_StaffRegistered? {
        if actor.role == Self.learnerRole {
            try checkLearnerActor(for: event)
            return nil
        }
        guard let registration = try entities.get(.staff, actor.id)?.registration else {
            if try entities.get(.learner, actor.id) != nil {
                try checkLearnerActor(for: event)
                return nil
            }
            if try !entities.anyStaff() {
                if case let .staffRegistered(m) = event, m.staffID == actor.id, m.roles.contains(.centreAdministrator) {
                    try checkRole(among: m.roles)
                    return nil
                }
                throw RuleViolation(
                    "first-administrator",
                    "the store has no staff yet: the first event must be a centre administrator registering themselves")
            }
            throw RuleViolation("registered-staff", "\(actor.id) is not registered staff")
        }
        let roles = registration.roles
        try checkRole(among: roles)
        let allowed = event.type.allowedRoles
        guard roles.contains(where: allowed.contains) else {
            throw RuleViolation(
                "role",
                "\(event.type.rawValue) may be recorded only by \(names(Array(allowed).sorted { $0.rawValue < $1.rawValue }, joiner: " or ")); \(actor.id) is \(names(roles))")
        }
        return registration
    }

    /// Refuses an envelope's `actor.role` that is not one of the actor's `roles`.
    func checkRole(among roles: [Attest_V1_StaffRole]) throws {
        if !actor.role.isEmpty, !roles.contains(where: { $0.envelopeName == actor.role }) {
            throw RuleViolation("role", "actor role \(actor.role) is not one of \(actor.id)'s roles (\(names(roles)))")
        }
    }

    /// The envelope's `actor.role` of a learner recording their own evidence.
    static let learnerRole = "learner"

    /// Whether the actor is a learner rather than staff (once `checkActor` has passed).
    var actorIsLearner: Bool { actorStaff == nil }

    /// Staff member `id`'s registration: the actor's as `checkActor` found it, so that an
    /// event reads it once (its copies were 3% of a replay's rules), or another's.
    func staffRegistration(_ id: String) throws -> Attest_V1_StaffRegistered? {
        if id == actor.id, let actorStaff { return actorStaff }
        return try entities.get(.staff, id)?.registration
    }

    /// A learner records only their own evidence.
    func checkLearnerActor(for event: DomainEvent) throws {
        guard try entities.get(.learner, actor.id) != nil else {
            throw RuleViolation("registered-staff", "\(actor.id) is not a registered learner")
        }
        guard case let .evidenceSubmitted(m) = event else {
            throw RuleViolation(
                "role", "\(event.type.rawValue) may not be recorded by a learner; learner \(actor.id) may record only evidence.submitted")
        }
        if m.learnerID != actor.id {
            throw RuleViolation("role", "learner \(actor.id) may record only their own evidence, not evidence \(m.evidenceID) of learner \(m.learnerID)")
        }
    }

    /// Refuses an event dated before `earlier` (microseconds), which `what` describes.
    func checkOrder(_ subject: @autoclosure () -> String, after earlier: Int64, _ what: @autoclosure () -> String) throws {
        guard micros < earlier else { return }
        throw RuleViolation(
            "time-order",
            "\(subject()) at \(Timestamp.format(micros: micros)) is before \(what()) (\(Timestamp.format(micros: earlier)))")
    }

    /// Refuses an empty `value`: `subject` has no `field`.
    func require(_ value: String, _ field: String, of subject: @autoclosure () -> String) throws {
        if value.isBlank { throw RuleViolation("well-formed", "\(subject()) has no \(field)") }
    }

    /// Refuses an event whose id names `what` when it is already `recorded` (`known`).
    func requireNew(_ known: Bool, _ what: @autoclosure () -> String, is recorded: String = "recorded") throws {
        if known { throw RuleViolation("id-unique", "\(what()) is already \(recorded)") }
    }

    /// Refuses a reason, rationale or required action that is empty or only white space:
    /// every one the docs call required is checked here.
    func requireReason(_ text: String, _ field: String, of subject: @autoclosure () -> String) throws {
        if text.isBlank {
            throw RuleViolation("reason-given", "\(subject()) needs a \(field); it is \(text.isEmpty ? "empty" : "only white space")")
        }
    }

    /// Refuses `id` unless it names a staff member registered as `role`.
    func checkStaffMember(_ id: String, as role: Attest_V1_StaffRole, for purpose: @autoclosure () -> String) throws {
        if id.isEmpty { throw RuleViolation("well-formed", "\(purpose()) is not named") }
        guard let registration = try staffRegistration(id) else {
            throw RuleViolation("registered-staff", "\(id), \(purpose()), is not registered staff")
        }
        guard registration.roles.contains(role) else {
            throw RuleViolation("role", "\(id), \(purpose()), is not registered as \(role.envelopeName.replacingOccurrences(of: "_", with: " "))")
        }
    }

    func checkCompetence(_ staffID: String, unit: String, for subject: @autoclosure () -> String) throws {
        guard try staffRegistration(staffID)?.competentUnits.contains(unit) == true else {
            throw RuleViolation("assessor-competence", "\(staffID) is not recorded as competent to assess unit \(unit) (\(subject()))")
        }
    }

    // MARK: specifications and staff

    func importSpecification(_ m: Attest_V1_SpecificationImported) throws {
        let specification = m.specification
        if let problem = SpecificationCheck.problem(in: specification) {
            throw RuleViolation("specification-well-formed", problem)
        }
        var state = try entities.get(.specification, specification.id) ?? .init()
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
        entities.set(.specification, specification.id, state)
        let version = SpecificationVersion(id: specification.id, version: m.version).key
        entities.set(.specificationVersion, version, specification)
        try entities.store.save(EntityKind.specificationDigest.key(version), Array(digest))
        for unit in CompiledSpecification(specification).unitNumbers { try entities.mark(.unit, unit) }
    }

    func specification(_ id: String, version: UInt32) throws -> CompiledSpecification? {
        try specifications.specification(id, version: version, in: entities)
    }

    func registerStaff(_ m: Attest_V1_StaffRegistered) throws {
        if m.staffID.isEmpty { throw RuleViolation("well-formed", "staffId is empty") }
        if m.roles.isEmpty || m.roles.contains(where: { $0 == .unspecified || $0.envelopeName == "unspecified" }) {
            throw RuleViolation("well-formed", "staff \(m.staffID) needs one or more roles")
        }
        let assures = m.roles.contains(.assessor) || m.roles.contains(.internalQualityAssurer)
        if assures, m.status == .unspecified {
            throw RuleViolation("well-formed", "staff \(m.staffID) assesses or quality assures: status must be QUALIFIED or WORKING_TOWARDS")
        }
        var state = Attest_V1_StaffState()
        state.registration = m
        entities.set(.staff, m.staffID, state)
        try entities.noteStaff()
    }

    // MARK: learners

    func registerLearner(_ m: Attest_V1_LearnerRegistered) throws {
        try require(m.learnerID, "learnerId", of: "the registration")
        if try entities.get(.learner, m.learnerID) != nil {
            throw RuleViolation("learner-unique", "learner \(m.learnerID) is already registered")
        }
        try require(m.qualification, "qualification", of: "the registration of learner \(m.learnerID)")
        guard let specification = try specification(m.qualification, version: m.specificationVersion) else {
            throw RuleViolation(
                "specification-known",
                "specification \(m.qualification) version \(m.specificationVersion) of learner \(m.learnerID) has not been imported")
        }
        // A sealed date of birth or ULN read without the learner's key cannot be checked again.
        if m.dateOfBirth != PersonalFields.closed {
            guard let birth = CalendarDate(m.dateOfBirth) else {
                throw RuleViolation("well-formed", "dateOfBirth \(m.dateOfBirth) of learner \(m.learnerID) is not a date such as 2008-04-30")
            }
            let minimum = Int(specification.specification.minimumAge)
            let age = birth.age(on: occurredAt, in: timeZone)
            if age < minimum {
                throw RuleViolation(
                    "minimum-age",
                    "learner \(m.learnerID) is \(age) on \(CalendarDate(occurredAt, in: timeZone)); \(m.qualification) needs learners aged \(minimum) or over")
            }
        }
        try checkStaffMember(m.assessor, as: .assessor, for: "the assessor of learner \(m.learnerID)")
        try checkStaffMember(m.internalQualityAssurer, as: .internalQualityAssurer, for: "the internal quality assurer of learner \(m.learnerID)")
        if !m.uln.isEmpty, m.uln != PersonalFields.closed { try registerULN(m.uln, of: m.learnerID) }
        if schemaVersion >= 3 {
            try require(m.givenName, "givenName", of: "the registration of learner \(m.learnerID)")
            try require(m.familyName, "familyName", of: "the registration of learner \(m.learnerID)")
        }
        var state = Attest_V1_LearnerState()
        // What the rules remember of a learner holds no personal data; no later rule needs it.
        state.registration = m
        state.registration.dateOfBirth = ""
        state.registration.uln = ""
        state.registration.givenName = ""
        state.registration.familyName = ""
        state.registeredAtMicros = micros
        entities.set(.learner, m.learnerID, state)
    }

    /// Refuses a ULN that is not 10 digits (the first not 0) or that another learner holds,
    /// and remembers whose it is.
    func registerULN(_ uln: String, of learner: String) throws {
        if uln == learner {
            throw RuleViolation(
                "learner-pseudonymous",
                "learner \(learner) is registered under their ULN; a learner's reference is the centre's own, as it stays in the clear in every record about them")
        }
        guard uln.utf8.count == 10, uln.utf8.allSatisfy({ (0x30...0x39).contains($0) }), !uln.hasPrefix("0") else {
            throw RuleViolation("well-formed", "uln \(uln) of learner \(learner) is not a unique learner number (10 digits, the first not 0)")
        }
        let key = EntityKind.uln.key(try ulnDigest(uln))
        if let holder = try entities.store.load(key) {
            throw RuleViolation("uln-unique", "ULN \(uln) of learner \(learner) is already learner \(String(decoding: holder, as: UTF8.self))'s")
        }
        try entities.store.save(key, Array(learner.utf8))
    }

    /// The learner `subject` concerns (`nil`: an event about the learner themself),
    /// registered and not withdrawn, with the event dated after the registration.
    func activeLearner(_ id: String, for subject: @autoclosure () -> String? = nil) throws -> Attest_V1_LearnerState {
        lazy var about = subject()
        lazy var of = about.map { " of \($0)" } ?? ""
        if id.isEmpty { throw RuleViolation("well-formed", "\(about ?? "the event") names no learnerId") }
        guard let learner = try entities.get(.learner, id) else {
            throw RuleViolation("learner-registered", "learner \(id)\(of) is not registered")
        }
        try checkNotErased(learner, id, of: of)
        if learner.withdrawn { throw RuleViolation("learner-withdrawn", "learner \(id)\(of) has withdrawn") }
        try checkOrder(about ?? "the event", after: learner.registeredAtMicros, "learner \(id) was registered")
        return learner
    }

    /// The learner `subject` (an event about the learner themself) concerns, registered,
    /// withdrawn or not, and not erased, with the event dated after the registration.
    func registeredLearner(_ id: String, for subject: @autoclosure () -> String) throws -> Attest_V1_LearnerState {
        try require(id, "learnerId", of: subject())
        guard let learner = try entities.get(.learner, id) else {
            throw RuleViolation("learner-registered", "learner \(id) of \(subject()) is not registered")
        }
        try checkNotErased(learner, id, of: " of \(subject())")
        try checkOrder(subject(), after: learner.registeredAtMicros, "learner \(id) was registered")
        return learner
    }

    /// A learner's names are corrected while they are registered, withdrawn or not.
    func correctName(_ m: Attest_V1_LearnerNameCorrected) throws {
        _ = try registeredLearner(m.learnerID, for: "the name correction")
        try require(m.givenName, "givenName", of: "the name correction of learner \(m.learnerID)")
        try require(m.familyName, "familyName", of: "the name correction of learner \(m.learnerID)")
    }

    /// Refuses any event about a learner whose personal data was erased.
    func checkNotErased(_ learner: Attest_V1_LearnerState, _ id: String, of: @autoclosure () -> String) throws {
        if learner.erased {
            throw RuleViolation("learner-erased", "learner \(id)\(of()) was erased: nothing more is recorded for them")
        }
    }

    /// A learner is erased once, withdrawn or not, for a reason given in words.
    func eraseLearner(_ m: Attest_V1_LearnerErased) throws {
        var learner = try registeredLearner(m.learnerID, for: "the erasure")
        try requireReason(m.reason, "reason", of: "the erasure of learner \(m.learnerID)")
        learner.erased = true
        entities.set(.learner, m.learnerID, learner)
    }

    func withdrawLearner(_ m: Attest_V1_LearnerWithdrawn) throws {
        var learner = try activeLearner(m.learnerID)
        try requireReason(m.reason, "reason", of: "the withdrawal of learner \(m.learnerID)")
        learner.withdrawn = true
        entities.set(.learner, m.learnerID, learner)
    }

    /// A certificate is claimed once, for a learner who has earned it.
    func claimCertificate(_ m: Attest_V1_CertificateClaimed) throws {
        var learner = try activeLearner(m.learnerID)
        if learner.certificated {
            throw RuleViolation("certificate-once", "a certificate is already claimed for learner \(m.learnerID)")
        }
        try progress.checkCertificateEarned(by: m.learnerID)
        learner.certificated = true
        entities.set(.learner, m.learnerID, learner)
    }

    func learnerSpecification(_ learner: Attest_V1_LearnerState) throws -> CompiledSpecification {
        let registration = learner.registration
        guard let specification = try specification(registration.qualification, version: registration.specificationVersion) else {
            throw RuleViolation("specification-known", "specification \(registration.qualification) version \(registration.specificationVersion) is missing")
        }
        return specification
    }

    /// The unit's criteria in the learner's specification version.
    func criteria(of unit: String, for learner: Attest_V1_LearnerState, in subject: @autoclosure () -> String) throws -> [String: Int] {
        if unit.isEmpty { throw RuleViolation("well-formed", "\(subject()) names no unit") }
        guard let criteria = try learnerSpecification(learner).criteria[unit] else {
            let r = learner.registration
            throw RuleViolation(
                "specification-criteria",
                "unit \(unit) of \(subject()) is not in \(r.qualification) version \(r.specificationVersion), which learner \(r.learnerID) is registered on")
        }
        return criteria
    }

    func checkCriteria(_ claimed: [String], in unit: String, for learner: Attest_V1_LearnerState, in subject: @autoclosure () -> String) throws {
        let known = try criteria(of: unit, for: learner, in: subject())
        if let unknown = claimed.first(where: { known[$0] == nil }) {
            throw RuleViolation("specification-criteria", "criterion \(unknown) of \(subject()) is not in unit \(unit)")
        }
        if let twice = repeated(claimed) { throw RuleViolation("well-formed", "\(subject()) lists criterion \(twice) twice") }
    }

    /// How many elements a list may hold and still be searched in place: a list of criteria
    /// is short, and comparing its elements costs less than hashing each into a set
    /// (hashing was 1.7% of an append's time, `attest-bench ingest`).
    static let searchedInPlace = 32

    /// The first element that appears twice, if any: pairwise up to `searchedInPlace`
    /// elements, else through a set.
    func repeated(_ values: [String]) -> String? {
        if values.count <= Self.searchedInPlace {
            return values.indices.first { later in values[..<later].contains(values[later]) }.map { values[$0] }
        }
        var seen = Set<String>(minimumCapacity: values.count)
        return values.first { !seen.insert($0).inserted }
    }

    // MARK: reasonable adjustments

    func requestAdjustment(_ m: Attest_V1_ReasonableAdjustmentRequested) throws {
        try require(m.adjustmentID, "adjustmentId", of: "the reasonable adjustment of learner \(m.learnerID)")
        try require(m.arrangement, "arrangement", of: "reasonable adjustment \(m.adjustmentID)")
        try requireNew(entities.get(.adjustment, m.adjustmentID) != nil, "adjustment \(m.adjustmentID)")
        var learner = try activeLearner(m.learnerID, for: "adjustment \(m.adjustmentID)")
        for unit in m.units { _ = try criteria(of: unit, for: learner, in: "adjustment \(m.adjustmentID)") }
        learner.pendingAdjustments.append(m.adjustmentID)
        entities.set(.learner, m.learnerID, learner)
        var state = Attest_V1_AdjustmentState()
        state.request = m
        state.request.arrangement = ""
        entities.set(.adjustment, m.adjustmentID, state)
    }

    func decideAdjustment(_ id: String, approved: Bool) throws {
        guard var adjustment = try entities.get(.adjustment, id) else {
            throw RuleViolation("adjustment-known", "adjustment \(id) has not been requested")
        }
        if adjustment.decision != 0 {
            throw RuleViolation("adjustment-pending", "adjustment \(id) is already \(adjustment.decision == 1 ? "approved" : "rejected")")
        }
        var learner = try activeLearner(adjustment.request.learnerID, for: "the decision on adjustment \(id)")
        adjustment.decision = approved ? 1 : 2
        learner.pendingAdjustments.removeAll { $0 == id }
        if approved {
            var approval = Attest_V1_ApprovedAdjustment()
            approval.adjustmentID = id
            approval.units = adjustment.request.units
            learner.approvedAdjustments.append(approval)
        }
        entities.set(.adjustment, id, adjustment)
        entities.set(.learner, adjustment.request.learnerID, learner)
    }

    // MARK: evidence and decisions

    func submitEvidence(_ m: Attest_V1_EvidenceSubmitted) throws {
        try require(m.evidenceID, "evidenceId", of: "the evidence of learner \(m.learnerID)")
        let evidenceID = m.evidenceID
        lazy var subject = "evidence \(evidenceID)"
        try requireNew(entities.get(.evidence, m.evidenceID) != nil, subject)
        let learner = try activeLearner(m.learnerID, for: subject)
        if m.criteria.isEmpty { throw RuleViolation("well-formed", "\(subject) claims no criteria") }
        try checkCriteria(m.criteria, in: m.unit, for: learner, in: subject)
        let producer = try EvidenceProducer(m.method, of: subject)
        if schemaVersion >= 2 { try checkProducer(producer, of: m) }
        if producer == .witness, m.witness.isEmpty {
            throw RuleViolation("witness-named", "\(subject) is \(m.method.name) but names no witness")
        }
        let artefact = m.artefact
        if !Self.isSHA256Hex(artefact.sha256) {
            throw RuleViolation("well-formed", "artefact sha256 of \(subject) is not 64 lowercase hexadecimal digits")
        }
        if artefact.mediaType.isEmpty || artefact.sizeBytes == 0 {
            throw RuleViolation("well-formed", "artefact of \(subject) needs a media type and a size")
        }
        var state = Attest_V1_EvidenceState()
        state.submission = m
        state.occurredAtMicros = micros
        entities.set(.evidence, m.evidenceID, state)
    }

    /// Whether `text` is 64 lowercase hexadecimal digits. Read from its UTF-8 in place:
    /// through `String.UTF8View`, the check took 2% of a replay's rules (`callgrind`).
    static func isSHA256Hex(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            bytes.count == 64 && bytes.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        }
    }

    /// Checks who produced and who recorded the evidence, as its method has it: a learner
    /// records only what they produced or testimony they collected; an assessor named as
    /// conducting it is one, competent in the unit; simulation evidence names a simulation
    /// an IQA reviewed, before, as fit for purpose for the unit.
    func checkProducer(_ producer: EvidenceProducer, of m: Attest_V1_EvidenceSubmitted) throws {
        let evidenceID = m.evidenceID
        lazy var subject = "evidence \(evidenceID)"
        if producer != .witness, !m.witness.isEmpty {
            throw RuleViolation("well-formed", "\(subject) is \(m.method.name), not testimony, but names witness \(m.witness)")
        }
        if producer != .assessor, !m.assessor.isEmpty {
            throw RuleViolation(
                "well-formed", "\(subject) is \(m.method.name), which the learner or a witness produces, but names assessor \(m.assessor)")
        }
        if m.method != .simulation, !m.simulationID.isEmpty {
            throw RuleViolation("well-formed", "\(subject) is \(m.method.name), not a simulation, but names simulation \(m.simulationID)")
        }
        if producer == .assessor {
            if actorIsLearner {
                throw RuleViolation(
                    "evidence-producer",
                    "learner \(actor.id) may record evidence they produced or testimony, not \(m.method.name) (\(subject)); an assessor records it")
            }
            let conductor = m.assessor.isEmpty ? actor.id : m.assessor
            try checkStaffMember(conductor, as: .assessor, for: "the assessor who conducted \(subject)")
            try checkCompetence(conductor, unit: m.unit, for: subject)
        }
        if m.method == .simulation { try checkSimulation(m.simulationID, unit: m.unit, for: subject) }
    }

    /// The simulation named exists, was found fit for purpose, covers `unit` and was reviewed before now.
    func checkSimulation(_ id: String, unit: String, for subject: @autoclosure () -> String) throws {
        if id.isEmpty {
            throw RuleViolation("simulation-reviewed", "\(subject()) is a simulation but names no simulationId reviewed by an IQA")
        }
        guard let simulation: Attest_V1_SimulationState = try entities.get(.simulation, id) else {
            throw RuleViolation("simulation-reviewed", "simulation \(id) of \(subject()) has not been reviewed by an IQA")
        }
        if !simulation.review.fitForPurpose {
            throw RuleViolation("simulation-reviewed", "simulation \(id) of \(subject()) was reviewed as not fit for purpose")
        }
        if !simulation.review.units.contains(unit) {
            throw RuleViolation(
                "simulation-reviewed",
                "simulation \(id) of \(subject()) was reviewed for units \(simulation.review.units.joined(separator: ", ")), not \(unit)")
        }
        try checkOrder(subject(), after: simulation.reviewedAtMicros, "simulation \(id) was reviewed")
    }

    /// The evidence, present and not withdrawn.
    func standingEvidence(_ id: String, for subject: @autoclosure () -> String) throws -> Attest_V1_EvidenceState {
        if id.isEmpty { throw RuleViolation("well-formed", "\(subject()) names no evidenceId") }
        guard let evidence = try entities.get(.evidence, id) else {
            throw RuleViolation("evidence-known", "evidence \(id) of \(subject()) has not been submitted")
        }
        if evidence.withdrawn { throw RuleViolation("evidence-withdrawn", "evidence \(id) of \(subject()) has been withdrawn") }
        return evidence
    }

    /// Checks that the actor may judge `evidence`: not its witness, and competent in its
    /// unit. The assessor who recorded, observed, questioned or held the discussion may.
    func checkJudge(of submission: Attest_V1_EvidenceSubmitted, in subject: @autoclosure () -> String) throws {
        if submission.witness == actor.id {
            throw RuleViolation(
                "independent-assessor", "\(actor.id) is the witness of evidence \(submission.evidenceID) and cannot decide on it (\(subject()))")
        }
        try checkCompetence(actor.id, unit: submission.unit, for: subject())
    }

    func checkDecisions(
        _ decisions: [Attest_V1_CriterionDecision], against submission: Attest_V1_EvidenceSubmitted, in subject: @autoclosure () -> String
    ) throws {
        if decisions.isEmpty { throw RuleViolation("well-formed", "\(subject()) gives no decisions") }
        let criteria = submission.criteria
        let claimed = criteria.count > Self.searchedInPlace ? Set(criteria) : nil
        for decision in decisions {
            if decision.outcome != .met && decision.outcome != .notYetMet {
                throw RuleViolation("well-formed", "criterion \(decision.criterion) of \(subject()) has no outcome (MET or NOT_YET_MET)")
            }
            if !(claimed?.contains(decision.criterion) ?? criteria.contains(decision.criterion)) {
                throw RuleViolation(
                    "criteria-claimed",
                    "criterion \(decision.criterion) of \(subject()) is not claimed by evidence \(submission.evidenceID) (it claims \(criteria.joined(separator: ", ")))")
            }
        }
        if let twice = repeated(decisions.map(\.criterion)) {
            throw RuleViolation("well-formed", "\(subject()) decides criterion \(twice) twice")
        }
    }

    func assessEvidence(_ m: Attest_V1_EvidenceAssessed) throws {
        try require(m.assessmentID, "assessmentId", of: "the assessment of evidence \(m.evidenceID)")
        let assessmentID = m.assessmentID
        lazy var subject = "assessment \(assessmentID)"
        try requireNew(entities.get(.assessment, m.assessmentID) != nil, subject)
        let evidence = try standingEvidence(m.evidenceID, for: subject)
        let submission = evidence.submission
        let unit = submission.unit
        let learner = try activeLearner(submission.learnerID, for: subject)
        try checkJudge(of: submission, in: subject)
        try checkDecisions(m.decisions.map(\.decision), against: submission, in: subject)
        if let unnamed = m.decisions.first(where: { $0.method.name == "unspecified" && $0.method != .unspecified }) {
            throw RuleViolation("well-formed", "criterion \(unnamed.criterion) of \(subject) names an unknown method")
        }
        try checkOrder(subject, after: evidence.occurredAtMicros, "evidence \(m.evidenceID) was submitted")
        let learnerID = learner.registration.learnerID
        if let pending = try learner.pendingAdjustments.first(where: { try applies(entities.get(.adjustment, $0)?.request.units ?? [], to: unit) }) {
            throw RuleViolation(
                "adjustment-decided-first",
                "learner \(learnerID) has reasonable adjustment \(pending) for unit \(unit) awaiting the awarding organisation's decision (\(subject))")
        }
        let applying = learner.approvedAdjustments.filter { applies($0.units, to: unit) }.map(\.adjustmentID)
        let approved = Set(learner.approvedAdjustments.map(\.adjustmentID))
        for decision in m.decisions {
            if let stray = decision.adjustmentsApplied.first(where: { !approved.contains($0) }) {
                throw RuleViolation(
                    "adjustment-recorded",
                    "adjustment \(stray) on criterion \(decision.criterion) of \(subject) is not an approved adjustment of learner \(learnerID)")
            }
        }
        let applied = Set(m.decisions.flatMap(\.adjustmentsApplied))
        if let missing = applying.first(where: { !applied.contains($0) }) {
            throw RuleViolation(
                "adjustment-recorded",
                "approved adjustment \(missing) of learner \(learnerID) applies to unit \(unit) and must be listed in the adjustmentsApplied of the criteria of \(subject) it was used for")
        }
        var state = Attest_V1_AssessmentState()
        state.evidenceID = m.evidenceID
        state.assessor = actor.id
        state.decidedAtMicros = micros
        entities.set(.assessment, m.assessmentID, state)
    }

    func applies(_ units: [String], to unit: String) -> Bool { units.isEmpty || units.contains(unit) }

    func withdrawEvidence(_ m: Attest_V1_EvidenceWithdrawn) throws {
        let evidenceID = m.evidenceID
        lazy var subject = "the withdrawal of evidence \(evidenceID)"
        var evidence = try standingEvidence(m.evidenceID, for: subject)
        _ = try activeLearner(evidence.submission.learnerID, for: subject)
        try requireReason(m.reason, "reason", of: subject)
        evidence.withdrawn = true
        entities.set(.evidence, m.evidenceID, evidence)
    }

    /// The assessment, with its evidence standing and its learner active.
    func standingAssessment(_ id: String, for subject: @autoclosure () -> String) throws -> (Attest_V1_AssessmentState, Attest_V1_EvidenceState) {
        if id.isEmpty { throw RuleViolation("well-formed", "\(subject()) names no assessmentId") }
        guard let assessment = try entities.get(.assessment, id) else {
            throw RuleViolation("assessment-known", "assessment \(id) of \(subject()) has not been recorded")
        }
        let evidence = try standingEvidence(assessment.evidenceID, for: "assessment \(id)")
        _ = try activeLearner(evidence.submission.learnerID, for: subject())
        return (assessment, evidence)
    }

    // MARK: quality assurance

    func sampleAssessment(_ m: Attest_V1_AssessmentSampled) throws {
        try require(m.sampleID, "sampleId", of: "the sample of assessment \(m.assessmentID)")
        let (sampleID, assessmentID) = (m.sampleID, m.assessmentID)
        lazy var subject = "sample \(sampleID) of assessment \(assessmentID)"
        try requireNew(entities.get(.sample, m.sampleID) != nil, "sample \(m.sampleID)")
        let (assessment, _) = try standingAssessment(m.assessmentID, for: "sample \(m.sampleID)")
        if assessment.assessor == actor.id {
            throw RuleViolation("independent-sampler", "\(actor.id) made assessment \(m.assessmentID) and cannot sample it (sample \(m.sampleID))")
        }
        if m.stage != .interim && m.stage != .summative {
            throw RuleViolation("well-formed", "\(subject) needs a stage (INTERIM or SUMMATIVE)")
        }
        if m.outcome != .agreed && m.outcome != .disagreed {
            throw RuleViolation("well-formed", "\(subject) needs an outcome (AGREED or DISAGREED)")
        }
        if m.outcome == .disagreed {
            try requireReason(m.rationale, "rationale", of: "disagreed \(subject)")
            try requireReason(m.requiredAction, "requiredAction", of: "disagreed \(subject)")
        }
        try checkOrder(subject, after: assessment.decidedAtMicros, "assessment \(m.assessmentID) was decided")
        var state = Attest_V1_SampleState()
        state.assessmentID = m.assessmentID
        state.outcome = m.outcome
        state.sampledAtMicros = micros
        entities.set(.sample, m.sampleID, state)
    }

    func reviseDecision(_ m: Attest_V1_DecisionRevised) throws {
        let (assessmentID, sampleID) = (m.assessmentID, m.sampleID)
        lazy var subject = "the revision of assessment \(assessmentID) after sample \(sampleID)"
        if m.sampleID.isEmpty { throw RuleViolation("well-formed", "\(subject) names no sampleId") }
        guard var sample = try entities.get(.sample, m.sampleID) else {
            throw RuleViolation("sample-known", "sample \(m.sampleID) of \(subject) has not been recorded")
        }
        if sample.assessmentID != m.assessmentID {
            throw RuleViolation("sample-known", "sample \(m.sampleID) is of assessment \(sample.assessmentID), not \(m.assessmentID)")
        }
        if sample.outcome != .disagreed {
            throw RuleViolation(
                "revision-after-disagreement", "sample \(m.sampleID) agreed with assessment \(m.assessmentID); there is nothing to revise")
        }
        if sample.revised {
            throw RuleViolation("revision-after-disagreement", "assessment \(m.assessmentID) is already revised after sample \(m.sampleID)")
        }
        let (_, evidence) = try standingAssessment(m.assessmentID, for: subject)
        let submission = evidence.submission
        try checkJudge(of: submission, in: subject)
        try checkDecisions(m.decisions, against: submission, in: subject)
        try requireReason(m.rationale, "rationale", of: subject)
        try checkOrder("the revision of assessment \(m.assessmentID)", after: sample.sampledAtMicros, "sample \(m.sampleID) was recorded")
        sample.revised = true
        entities.set(.sample, m.sampleID, sample)
    }

    func recordStandardisation(_ m: Attest_V1_StandardisationRecorded) throws {
        try require(m.activityID, "activityId", of: "the standardisation")
        let activityID = m.activityID
        lazy var subject = "standardisation \(activityID)"
        try requireNew(entities.isMarked(.standardisation, m.activityID), subject)
        try checkStaffMember(m.ledBy, as: .internalQualityAssurer, for: "the lead of \(subject)")
        if m.participants.isEmpty { throw RuleViolation("well-formed", "\(subject) names no participants") }
        for participant in m.participants where try entities.get(.staff, participant) == nil {
            throw RuleViolation("registered-staff", "participant \(participant) of \(subject) is not registered staff")
        }
        try require(m.agreedOutcome, "agreedOutcome", of: subject)
        try entities.mark(.standardisation, m.activityID)
    }

    func requestEQASample(_ m: Attest_V1_EqaSampleRequested) throws {
        try require(m.sampleID, "sampleId", of: "the EQA sample")
        let sampleID = m.sampleID
        lazy var subject = "EQA sample \(sampleID)"
        try requireNew(entities.isMarked(.eqaSample, m.sampleID), subject)
        let eqa = m.externalQualityAssurer
        try checkStaffMember(eqa, as: .externalQualityAssurer, for: "the EQA of \(subject)")
        if m.learners.isEmpty { throw RuleViolation("well-formed", "\(subject) names no learners") }
        var named: Set<String> = []
        for learner in m.learners {
            guard named.insert(learner).inserted else { throw RuleViolation("well-formed", "\(subject) names learner \(learner) twice") }
            _ = try registeredLearner(learner, for: subject)
        }
        try entities.mark(.eqaSample, m.sampleID)
        for learner in m.learners { try entities.mark(.eqaSampled, EntityKind.id(eqa, learner)) }
    }

    func reviewSimulation(_ m: Attest_V1_SimulationReviewed) throws {
        try require(m.simulationID, "simulationId", of: "the simulation review")
        let simulationID = m.simulationID
        lazy var subject = "the review of simulation \(simulationID)"
        try requireNew(entities.get(.simulation, m.simulationID) != nil, "simulation \(m.simulationID)", is: "reviewed")
        if m.units.isEmpty { throw RuleViolation("well-formed", "\(subject) names no units") }
        for unit in m.units where try !entities.isMarked(.unit, unit) {
            throw RuleViolation("specification-criteria", "unit \(unit) of \(subject) is in no imported specification")
        }
        try require(m.summary, "summary", of: subject)
        try requireReason(m.rationale, "rationale", of: subject)
        var state = Attest_V1_SimulationState()
        state.review = m
        state.reviewedAtMicros = micros
        entities.set(.simulation, m.simulationID, state)
    }

    // MARK: recognition of prior learning

    func creditRPL(_ m: Attest_V1_RplCredited) throws {
        try require(m.rplID, "rplId", of: "the RPL credit of learner \(m.learnerID)")
        let rplID = m.rplID
        lazy var subject = "RPL \(rplID)"
        try requireNew(entities.get(.rpl, m.rplID) != nil, subject)
        var learner = try activeLearner(m.learnerID, for: subject)
        _ = try criteria(of: m.unit, for: learner, in: subject)
        try checkCompetence(actor.id, unit: m.unit, for: subject)
        try require(m.evidence, "evidence it rests on", of: subject)
        switch m.basis {
        case .creditTransfer:
            if !m.criteria.isEmpty {
                throw RuleViolation("well-formed", "\(subject) is a credit transfer, which credits the whole unit \(m.unit): list no criteria")
            }
            if learner.creditedUnits.contains(m.unit) {
                throw RuleViolation("rpl-once", "unit \(m.unit) is already credited to learner \(m.learnerID) (\(subject))")
            }
            learner.creditedUnits.append(m.unit)
        case .priorLearning:
            if m.criteria.isEmpty { throw RuleViolation("well-formed", "\(subject) credits prior learning and lists no criteria") }
            try checkCriteria(m.criteria, in: m.unit, for: learner, in: subject)
            if learner.creditedUnits.contains(m.unit) {
                throw RuleViolation("rpl-once", "unit \(m.unit) is already credited to learner \(m.learnerID) (\(subject))")
            }
            for criterion in m.criteria where learner.creditedCriteria.contains("\(m.unit) \(criterion)") {
                throw RuleViolation(
                    "rpl-once", "criterion \(criterion) of unit \(m.unit) is already credited to learner \(m.learnerID) (\(subject))")
            }
            learner.creditedCriteria += m.criteria.map { "\(m.unit) \($0)" }
        case .unspecified, .UNRECOGNIZED:
            throw RuleViolation("well-formed", "\(subject) needs a basis (CREDIT_TRANSFER or PRIOR_LEARNING)")
        }
        var state = Attest_V1_RplState()
        state.credit = m
        state.credit.evidence = ""
        entities.set(.rpl, m.rplID, state)
        entities.set(.learner, m.learnerID, learner)
    }

    func revokeRPL(_ m: Attest_V1_RplRevoked) throws {
        let rplID = m.rplID
        lazy var subject = "the revocation of RPL \(rplID)"
        if m.rplID.isEmpty { throw RuleViolation("well-formed", "\(subject) names no rplId") }
        guard var rpl = try entities.get(.rpl, m.rplID) else {
            throw RuleViolation("rpl-known", "RPL \(m.rplID) has not been credited")
        }
        if rpl.revoked { throw RuleViolation("rpl-known", "RPL \(m.rplID) is already revoked") }
        try requireReason(m.reason, "reason", of: subject)
        let credit = rpl.credit
        var learner = try activeLearner(credit.learnerID, for: subject)
        learner.creditedUnits.removeAll { $0 == credit.unit && credit.basis == .creditTransfer }
        learner.creditedCriteria.removeAll { entry in credit.criteria.contains { entry == "\(credit.unit) \($0)" } }
        rpl.revoked = true
        entities.set(.rpl, m.rplID, rpl)
        entities.set(.learner, credit.learnerID, learner)
    }
}

private func names(_ roles: [Attest_V1_StaffRole], joiner: String = ", ") -> String {
    roles.map { $0.envelopeName.replacingOccurrences(of: "_", with: " ") }.joined(separator: joiner)
}

extension String {
    /// Whether it is empty or only white space. A first byte that is visible ASCII answers
    /// at once: reading characters (grapheme clusters) to the end was 1% of an append.
    var isBlank: Bool {
        if let first = utf8.first, first > 0x20, first < 0x7F { return false }
        return allSatisfy(\.isWhitespace)
    }
}
