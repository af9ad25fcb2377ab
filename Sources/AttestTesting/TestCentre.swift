import Assessment
import Centre
import EventLog
import Foundation
import Records
import Simulation

/// A centre in a temporary store, with a clock, staff and a learner, for tests that
/// record events one at a time and look at what the rules say.
public final class TestCentre {
    public let directory: TemporaryDirectory
    public let store: CentreStore
    /// The date the next event is given; each recorded event moves it on an hour.
    public var now = Date(timeIntervalSince1970: 1_736_154_000)  // 2025-01-06T09:00:00Z
    public let specification = Qualifications.customerServiceLevel2

    public var path: String { directory.child("store") }

    /// An empty store of a centre in `timeZone`, keeping `projections`.
    public init(timeZone: TimeZone = EventLog.defaultTimeZone, projections: [any Projection] = []) throws {
        directory = TemporaryDirectory("centre")
        store = try CentreStore.create(at: directory.child("store"), timeZone: timeZone, projections: projections)
    }

    /// `centre`'s store opened again, keeping `projections`, with `centre`'s clock.
    public init(reopening centre: TestCentre, projections: [any Projection]) throws {
        directory = centre.directory
        now = centre.now
        store = try CentreStore(openingAt: centre.path, projections: projections)
    }

    /// Appends the generator's centre of `learners` (seeded with `seed`) through the rules,
    /// `batchSize` events a batch, and returns how many events it appended.
    @discardableResult
    public func appendGenerated(learners: Int, seed: UInt64, batchSize: Int) throws -> Int {
        var lines: [String] = []
        try CentreGenerator(learners: learners, seed: seed, specification: specification).generate { lines.append($0) }
        try store.append(lines: lines, batchSize: batchSize) { _, _ in }
        return lines.count
    }

    /// Records `event` by `actor` at the clock (or `at`); the clock moves on an hour.
    @discardableResult
    public func record(_ event: DomainEvent, by actor: String, at date: Date? = nil) throws -> Appended {
        var who = Actor()
        who.id = actor
        return try record(event, by: who, at: date)
    }

    /// Records `event` by `actor` (an id and a role) at the clock (or `at`); the clock moves on an hour.
    @discardableResult
    public func record(_ event: DomainEvent, by actor: Actor, at date: Date? = nil) throws -> Appended {
        let appended = try store.append([CentreEvent(event, actor: actor, occurredAt: date ?? now)])
        now += 3600
        return appended[0]
    }

    /// The refusal `event` meets, or `nil` when it is recorded.
    public func refusal(_ event: DomainEvent, by actor: String, at date: Date? = nil) -> String? {
        var who = Actor()
        who.id = actor
        return refusal(event, by: who, at: date)
    }

    /// The refusal `event` recorded by `actor` (an id and a role) meets, or `nil` when it is recorded.
    public func refusal(_ event: DomainEvent, by actor: Actor, at date: Date? = nil) -> String? {
        do {
            try record(event, by: actor, at: date)
            return nil
        } catch let refusal as BatchRefusal {
            return refusal.reason
        } catch {
            return "\(error)"
        }
    }

    /// Registers the staff every test needs and learner `L1` on 603/4767/3:
    /// `admin`; assessors `a1` (every unit) and `a2` (group A units only); IQAs `i1` and
    /// `i2`; `d1`, both assessor and IQA (every unit); awarding-organisation officer `o1`;
    /// the centre is in `timeZone`.
    public static func standard(
        timeZone: TimeZone = EventLog.defaultTimeZone, projections: [any Projection] = []
    ) throws -> TestCentre {
        let centre = try TestCentre(timeZone: timeZone, projections: projections)
        let all = centre.specification.units.map(\.number)
        try centre.record(.staffRegistered(.with { $0.staffID = "admin"; $0.roles = [.centreAdministrator] }), by: "admin")
        try centre.record(.specificationImported(.with { $0.version = 1; $0.specification = centre.specification }), by: "admin")
        for (id, roles, units) in [
            ("a1", [Attest_V1_StaffRole.assessor], all), ("a2", [.assessor], Array(all.prefix(4))),
            ("i1", [.internalQualityAssurer], all), ("i2", [.internalQualityAssurer], all),
            ("d1", [.assessor, .internalQualityAssurer], all), ("o1", [.awardingOrganisationOfficer], []),
        ] {
            try centre.record(.staffRegistered(.with {
                $0.staffID = id
                $0.roles = roles
                $0.competentUnits = units
                $0.status = roles.contains(.awardingOrganisationOfficer) ? .unspecified : .qualified
            }), by: "admin")
        }
        try centre.record(.learnerRegistered(learner("L1")), by: "admin")
        return centre
    }

    /// A registration of Ada Byron on 603/4767/3 version 1, born 2000-05-17, assessor a1, IQA i1.
    public static func learner(_ id: String, born: String = "2000-05-17") -> Attest_V1_LearnerRegistered {
        .with {
            $0.learnerID = id
            $0.qualification = "603/4767/3"
            $0.specificationVersion = 1
            $0.dateOfBirth = born
            $0.givenName = "Ada"
            $0.familyName = "Byron"
            $0.assessor = "a1"
            $0.internalQualityAssurer = "i1"
        }
    }

    /// Evidence `id` for learner L1 on `unit`, claiming `criteria`; `assessor` names who
    /// conducted an observation, questioning, discussion or simulation (empty: who records it).
    public static func evidence(
        _ id: String, unit: String = "A/506/2130", criteria: [String] = ["1.1", "1.2"],
        method: Attest_V1_EvidenceMethod = .observation, learner: String = "L1", witness: String = "",
        assessor: String = "", simulation: String = ""
    ) -> Attest_V1_EvidenceSubmitted {
        .with {
            $0.evidenceID = id; $0.learnerID = learner; $0.unit = unit; $0.method = method; $0.criteria = criteria
            $0.witness = witness; $0.assessor = assessor; $0.simulationID = simulation
            $0.artefact = .with {
                $0.sha256 = String(repeating: "ab", count: 32)
                $0.mediaType = "application/pdf"
                $0.sizeBytes = 48_213
            }
        }
    }

    /// An assessment of evidence `evidence` deciding each of `criteria` (all met by default),
    /// each under `adjustments`.
    public static func assessment(
        _ id: String, of evidence: String, criteria: [String] = ["1.1", "1.2"],
        outcome: Attest_V1_CriterionOutcome = .met, adjustments: [String] = []
    ) -> Attest_V1_EvidenceAssessed {
        .with {
            $0.assessmentID = id
            $0.evidenceID = evidence
            $0.decisions = criteria.map { c in .with { $0.criterion = c; $0.outcome = outcome; $0.adjustmentsApplied = adjustments } }
            $0.feedback = "Clear, well-evidenced performance."
        }
    }

    /// A sample of assessment `assessment`.
    public static func sample(
        _ id: String, of assessment: String, stage: Attest_V1_SampleStage = .interim,
        outcome: Attest_V1_SampleOutcome = .agreed
    ) -> Attest_V1_AssessmentSampled {
        .with {
            $0.sampleID = id; $0.assessmentID = assessment; $0.stage = stage; $0.outcome = outcome
            if outcome == .disagreed {
                $0.rationale = "Evidence does not show the learner adapting their behaviour."
                $0.requiredAction = "Re-assess 1.2 against a further observation."
            }
        }
    }
}
