import AttestTesting
import Assessment
import Centre
import EventLog
import Foundation
import Records
import Testing

/// Evidence and independence as the handbook has them (5.3–5.5): who produces and records
/// each method, who may decide on it, and simulations reviewed before use.
@Suite struct EvidenceRulesTests {
    typealias C = TestCentre

    @Test func oneAssessorObservesAndAssessesAlone() throws {
        let centre = try TestCentre()
        try centre.record(.staffRegistered(.with { $0.staffID = "admin"; $0.roles = [.centreAdministrator] }), by: "admin")
        try centre.record(.specificationImported(.with { $0.version = 1; $0.specification = centre.specification }), by: "admin")
        try centre.record(.staffRegistered(.with {
            $0.staffID = "solo"; $0.roles = [.assessor]; $0.competentUnits = ["A/506/2130"]; $0.status = .qualified
        }), by: "admin")
        try centre.record(.staffRegistered(.with {
            $0.staffID = "iqa"; $0.roles = [.internalQualityAssurer]; $0.competentUnits = ["A/506/2130"]; $0.status = .qualified
        }), by: "admin")
        var learner = C.learner("L1")
        learner.assessor = "solo"
        learner.internalQualityAssurer = "iqa"
        try centre.record(.learnerRegistered(learner), by: "admin")
        for (evidence, method) in [("E1", Attest_V1_EvidenceMethod.observation), ("E2", .questioning), ("E3", .professionalDiscussion)] {
            try centre.record(.evidenceSubmitted(C.evidence(evidence, method: method)), by: "solo")
            #expect(centre.refusal(.evidenceAssessed(C.assessment("AS-\(evidence)", of: evidence)), by: "solo") == nil)
        }
        #expect(centre.refusal(.assessmentSampled(C.sample("S1", of: "AS-E1")), by: "iqa") == nil)
    }

    @Test func theWitnessNeverDecidesOnTheirTestimony() throws {
        let centre = try C.standard()
        try centre.record(.evidenceSubmitted(C.evidence("E1", method: .witnessTestimony, witness: "d1")), by: "a1")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: "d1")
            == "rule independent-assessor: d1 is the witness of evidence E1 and cannot decide on it (assessment AS1)")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: "a1") == nil)
    }

    @Test func eachMethodNamesOnlyWhoProducedIt() throws {
        let centre = try C.standard()
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", method: .workProduct, assessor: "a1")), by: "a1")
            == "rule well-formed: evidence E1 is work_product, which the learner or a witness produces, but names assessor a1")
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", method: .observation, witness: "w-1")), by: "a1")
            == "rule well-formed: evidence E1 is observation, not testimony, but names witness w-1")
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", unit: "D/506/2119", criteria: ["1.1"], assessor: "a2")), by: "a1")
            == "rule assessor-competence: a2 is not recorded as competent to assess unit D/506/2119 (evidence E1)")
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", method: .observation, assessor: "i1")), by: "a1")
            == "rule role: i1, the assessor who conducted evidence E1, is not registered as assessor")
        // Recorded by a2, observed by a1, who then assesses it.
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", method: .observation, assessor: "a1")), by: "a2") == nil)
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: "a1") == nil)
    }

    /// The first criterion named again is the one refused, in a short list (compared
    /// pairwise) and in a long one (through a set) alike.
    @Test func aCriterionNamedTwiceIsRefused() throws {
        let centre = try C.standard()
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", criteria: ["1.1", "1.2", "1.2", "1.1"])), by: "a1")
            == "rule well-formed: evidence E1 lists criterion 1.2 twice")
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", criteria: ["1.2"] + Array(repeating: "1.1", count: 40))), by: "a1")
            == "rule well-formed: evidence E1 lists criterion 1.1 twice")
        try centre.record(.evidenceSubmitted(C.evidence("E1")), by: "a1")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1", criteria: ["1.2", "1.1", "1.1"])), by: "a1")
            == "rule well-formed: assessment AS1 decides criterion 1.1 twice")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: "a1") == nil)
    }

    @Test func simulationEvidenceNeedsASimulationReviewedBeforehand() throws {
        let centre = try C.standard()
        let simulation = C.evidence("E1", method: .simulation, simulation: "SIM-1")
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", method: .simulation)), by: "a1")
            == "rule simulation-reviewed: evidence E1 is a simulation but names no simulationId reviewed by an IQA")
        #expect(centre.refusal(.evidenceSubmitted(simulation), by: "a1")
            == "rule simulation-reviewed: simulation SIM-1 of evidence E1 has not been reviewed by an IQA")
        func review(_ id: String, units: [String], fit: Bool) -> DomainEvent {
            .simulationReviewed(.with {
                $0.simulationID = id; $0.units = units; $0.summary = "A scripted complaint at a busy counter"
                $0.fitForPurpose = fit; $0.rationale = fit ? "Realistic and mapped to the criteria" : "Tells the learner what will happen"
            })
        }
        #expect(centre.refusal(review("SIM-0", units: ["Z/999/9999"], fit: true), by: "i1")
            == "rule specification-criteria: unit Z/999/9999 of the review of simulation SIM-0 is in no imported specification")
        #expect(centre.refusal(review("SIM-1", units: ["F/506/2131"], fit: true), by: "a1")
            == "rule role: simulation.reviewed may be recorded only by internal quality assurer; a1 is assessor")
        try centre.record(review("SIM-1", units: ["F/506/2131"], fit: true), by: "i1")
        #expect(centre.refusal(.evidenceSubmitted(simulation), by: "a1")
            == "rule simulation-reviewed: simulation SIM-1 of evidence E1 was reviewed for units F/506/2131, not A/506/2130")
        try centre.record(review("SIM-2", units: ["A/506/2130"], fit: false), by: "i1")
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", method: .simulation, simulation: "SIM-2")), by: "a1")
            == "rule simulation-reviewed: simulation SIM-2 of evidence E1 was reviewed as not fit for purpose")
        let reviewedAt = centre.now
        try centre.record(review("SIM-3", units: ["A/506/2130"], fit: true), by: "i1")
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", method: .simulation, simulation: "SIM-3")), by: "a1", at: reviewedAt - 60)
            == "rule time-order: evidence E1 at \(Timestamp.format(reviewedAt - 60)) is before simulation SIM-3 was reviewed (\(Timestamp.format(reviewedAt)))")
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", method: .simulation, simulation: "SIM-3")), by: "a1") == nil)
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: "a1") == nil)
    }

    /// A simulation is reviewed once, even when both reviews come in one batch, before the
    /// first is written to the store.
    @Test func aSimulationIsReviewedOnceWithinABatchToo() throws {
        let centre = try C.standard()
        let review = DomainEvent.simulationReviewed(.with {
            $0.simulationID = "SIM-1"; $0.units = ["A/506/2130"]; $0.summary = "A scripted complaint at a busy counter"
            $0.fitForPurpose = true; $0.rationale = "Realistic and mapped to the criteria"
        })
        var iqa = Actor()
        iqa.id = "i1"
        let batch = try [CentreEvent(review, actor: iqa, occurredAt: centre.now), CentreEvent(review, actor: iqa, occurredAt: centre.now + 60)]
        let head = try centre.store.log.head().sequence
        let refusal = #expect(throws: BatchRefusal.self) { try centre.store.append(batch) }
        #expect(refusal?.index == 1)
        #expect(refusal?.reason == "rule id-unique: simulation SIM-1 is already reviewed")
        #expect(try centre.store.log.head().sequence == head)
        #expect(centre.refusal(review, by: "i1") == nil)
        #expect(centre.refusal(review, by: "i1") == "rule id-unique: simulation SIM-1 is already reviewed")
    }

    @Test func aLearnerRecordsTheirOwnEvidenceOnly() throws {
        let centre = try C.standard()
        try centre.record(.learnerRegistered(C.learner("L2")), by: "admin")
        var learner = Actor()
        learner.id = "L1"
        learner.role = "learner"
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", method: .reflectiveAccount)), by: learner) == nil)
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E2", method: .witnessTestimony, witness: "supervisor-4")), by: learner) == nil)
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E3", method: .observation)), by: learner)
            == "rule evidence-producer: learner L1 may record evidence they produced or testimony, not observation (evidence E3); an assessor records it")
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E4", method: .workProduct, learner: "L2")), by: learner)
            == "rule role: learner L1 may record only their own evidence, not evidence E4 of learner L2")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: learner)
            == "rule role: evidence.assessed may not be recorded by a learner; learner L1 may record only evidence.submitted")
        // Without a role, a registered learner who is not staff records as that learner.
        learner.role = ""
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E5", method: .workProduct)), by: learner) == nil)
        learner.id = "L9"
        learner.role = "learner"
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E6", method: .workProduct, learner: "L9")), by: learner)
            == "rule registered-staff: L9 is not a registered learner")
        // What a learner recorded, an assessor assesses.
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: "a1") == nil)
    }

    @Test func version1EvidenceIsReadButNoLongerAppended() throws {
        let centre = try C.standard()
        let line = #"{"type":"evidence.submitted","schemaVersion":1,"actor":{"id":"a1"},"occurredAt":"2025-01-08T10:00:00Z","payload":{"evidenceId":"E1","learnerId":"L1","unit":"A/506/2130","method":"SIMULATION","criteria":["1.1"],"artefact":{"sha256":"\#(String(repeating: "ab", count: 32))","mediaType":"video/mp4","sizeBytes":"100"}}}"#
        #expect(throws: LineRefusal.self) { try centre.store.append(ndjson: line) }
        do { try centre.store.append(ndjson: line) } catch let refusal as LineRefusal {
            #expect(refusal.description
                == "line 1: evidence.submitted schema version 1 is read in stored records but no longer appended; write version 2 or later; nothing was appended")
        }
    }
}
