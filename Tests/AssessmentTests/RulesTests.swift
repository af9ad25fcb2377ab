import AttestTesting
import Assessment
import Centre
import EventLog
import Foundation
import Records
import Testing

/// One test per rule: the case it accepts and the case it refuses, with the refusal's words.
@Suite struct RulesTests {
    typealias C = TestCentre

    @Test func theFirstEventIsAnAdministratorRegisteringThemselves() throws {
        let centre = try TestCentre()
        #expect(centre.refusal(.staffRegistered(.with { $0.staffID = "a1"; $0.roles = [.assessor]; $0.status = .qualified }), by: "admin")
            == "rule first-administrator: the store has no staff yet: the first event must be a centre administrator registering themselves")
        #expect(centre.refusal(.staffRegistered(.with { $0.staffID = "admin"; $0.roles = [.centreAdministrator] }), by: "admin") == nil)
    }

    @Test func onlyRegisteredStaffRecordEvents() throws {
        let centre = try C.standard()
        #expect(centre.refusal(.learnerRegistered(C.learner("L2")), by: "stranger")
            == "rule registered-staff: stranger is not registered staff")
        #expect(centre.refusal(.learnerRegistered(C.learner("L2")), by: "admin") == nil)
    }

    @Test func eachEventIsRecordedOnlyByItsRole() throws {
        let centre = try C.standard()
        #expect(centre.refusal(.learnerRegistered(C.learner("L2")), by: "a1")
            == "rule role: learner.registered may be recorded only by centre administrator; a1 is assessor")
        try centre.record(.evidenceSubmitted(C.evidence("E1")), by: "a2")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: "i1")
            == "rule role: evidence.assessed may be recorded only by assessor; i1 is internal quality assurer")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: "a1") == nil)
        #expect(centre.refusal(.assessmentSampled(C.sample("S1", of: "AS1")), by: "a2")
            == "rule role: assessment.sampled may be recorded only by internal quality assurer; a2 is assessor")
        #expect(centre.refusal(.assessmentSampled(C.sample("S1", of: "AS1")), by: "i1") == nil)
        try centre.record(.adjustmentRequested(.with { $0.adjustmentID = "RA1"; $0.learnerID = "L1"; $0.arrangement = "extra time" }), by: "admin")
        #expect(centre.refusal(.adjustmentApproved(.with { $0.adjustmentID = "RA1" }), by: "admin")
            == "rule role: reasonable_adjustment.approved may be recorded only by awarding organisation officer; admin is centre administrator")
        #expect(centre.refusal(.adjustmentApproved(.with { $0.adjustmentID = "RA1" }), by: "o1") == nil)
    }

    @Test func theEnvelopeRoleMustBeOneOfTheActorsRoles() throws {
        let centre = try C.standard()
        var actor = Actor()
        actor.id = "admin"
        actor.role = "assessor"
        let event = try CentreEvent(.learnerRegistered(C.learner("L2")), actor: actor, occurredAt: centre.now)
        #expect(throws: BatchRefusal.self) { try centre.store.append([event]) }
        do { try centre.store.append([event]) } catch let refusal as BatchRefusal {
            #expect(refusal.reason == "rule role: actor role assessor is not one of admin's roles (centre administrator)")
            #expect(refusal.cause.violation == RuleViolation("role", "actor role assessor is not one of admin's roles (centre administrator)"))
            #expect(refusal.index == 0 && refusal.eventID == event.draft.id)
        }
        actor.role = "centre_administrator"
        try centre.store.append([CentreEvent(.learnerRegistered(C.learner("L2")), actor: actor, occurredAt: centre.now)])
    }

    @Test func aTypedEventWithAnExpectedVersionIsRefusedWhenItsStreamHasMovedOn() throws {
        let centre = try C.standard()
        var admin = Actor()
        admin.id = "admin"
        let first = try CentreEvent(.learnerRegistered(C.learner("L2")), actor: admin, occurredAt: centre.now, expectedVersion: 0)
        try centre.store.append([first])
        let again = try CentreEvent(.learnerWithdrawn(.with { $0.learnerID = "L2"; $0.reason = "moved away" }),
                                    actor: admin, occurredAt: centre.now, expectedVersion: 0)
        do {
            try centre.store.append([again])
            Issue.record("an append to stream learner-L2 at version 1 expecting 0 was accepted")
        } catch let refusal as BatchRefusal {
            guard case let .log(.versionConflict(_, stream, expected, actual)) = refusal.cause else {
                Issue.record("refused for \(refusal.cause)")
                return
            }
            #expect(stream == "learner-L2" && expected == 0 && actual == 1 && refusal.eventID == again.draft.id)
            #expect(refusal.description == "event 1 of the batch: stream learner-L2 is at version 1, expected 0")
        }
        let current = try CentreEvent(.learnerWithdrawn(.with { $0.learnerID = "L2"; $0.reason = "moved away" }),
                                      actor: admin, occurredAt: centre.now, expectedVersion: 1)
        try centre.store.append([current])
    }

    @Test func nothingIsDatedMoreThanFiveMinutesAhead() throws {
        let centre = try C.standard()
        let soon = Date() + 240
        #expect(centre.refusal(.learnerRegistered(C.learner("L2")), by: "admin", at: soon) == nil)
        let later = Date() + 600
        let refusal = try #require(centre.refusal(.learnerRegistered(C.learner("L3")), by: "admin", at: later))
        #expect(refusal.hasPrefix("rule future-dated: occurredAt \(Timestamp.format(later)) is more than 5 minutes after the store's clock"))
    }

    @Test func specificationsAreWellFormedVersionedAndNotRepeated() throws {
        let centre = try C.standard()
        var broken = centre.specification
        broken.units[0].learningOutcomes[0].criteria[0].number = "7.1"
        #expect(centre.refusal(.specificationImported(.with { $0.version = 2; $0.specification = broken }), by: "admin")
            == "rule specification-well-formed: criterion 7.1 of unit A/506/2130 is not numbered under learning outcome 1")
        #expect(centre.refusal(.specificationImported(.with { $0.version = 2; $0.specification = centre.specification }), by: "admin")
            == "rule specification-unchanged: specification 603/4767/3 version 1 is identical")
        var revised = centre.specification
        revised.guidedLearningHours += 1
        #expect(centre.refusal(.specificationImported(.with { $0.version = 3; $0.specification = revised }), by: "admin")
            == "rule specification-version: specification 603/4767/3 is at version 1; the next import is version 2, not 3")
        #expect(centre.refusal(.specificationImported(.with { $0.version = 2; $0.specification = revised }), by: "admin") == nil)
    }

    @Test func theOtherSpecificationShapesImport() throws {
        let centre = try C.standard()
        for name in ["examples/standalone-unit.json", "examples/occupational-standard.json"] {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Schemas/qualifications/\(name)")
            let specification = try Attest_V1_Specification(jsonString: String(contentsOf: url, encoding: .utf8))
            #expect(centre.refusal(.specificationImported(.with { $0.version = 1; $0.specification = specification }), by: "admin") == nil)
        }
    }

    @Test func learnersAreRegisteredOnceOnAnImportedSpecification() throws {
        let centre = try C.standard()
        #expect(centre.refusal(.learnerRegistered(C.learner("L1")), by: "admin")
            == "rule learner-unique: learner L1 is already registered")
        var unknown = C.learner("L2")
        unknown.specificationVersion = 9
        #expect(centre.refusal(.learnerRegistered(unknown), by: "admin")
            == "rule specification-known: specification 603/4767/3 version 9 of learner L2 has not been imported")
        #expect(centre.refusal(.learnerRegistered(C.learner("L2")), by: "admin") == nil)
    }

    @Test func aLearnerUnderTheMinimumAgeIsNotRegistered() throws {
        let centre = try C.standard()
        // The clock reads 2025-01-06 and later: born 2009-01-01 is 16, born 2009-06-01 is 15.
        #expect(centre.refusal(.learnerRegistered(C.learner("L2", born: "2009-01-01")), by: "admin") == nil)
        let refusal = centre.refusal(.learnerRegistered(C.learner("L3", born: "2009-06-01")), by: "admin")
        #expect(refusal == "rule minimum-age: learner L3 is 15 on 2025-01-06; 603/4767/3 needs learners aged 16 or over")
    }

    @Test func aLearnersAgeIsCountedOnTheCentresLocalDate() throws {
        // Europe/London, in British Summer Time: born 2009-07-10, 16 from the first minute of 2025-07-10 there.
        let centre = try C.standard()
        let justAfterMidnight = try #require(Timestamp.parse("2025-07-10T00:30:00+01:00"))
        #expect(centre.refusal(.learnerRegistered(C.learner("L2", born: "2009-07-10")), by: "admin", at: justAfterMidnight) == nil)
        let theEveningBefore = try #require(Timestamp.parse("2025-07-09T23:30:00+01:00"))
        #expect(centre.refusal(.learnerRegistered(C.learner("L3", born: "2009-07-10")), by: "admin", at: theEveningBefore)
            == "rule minimum-age: learner L3 is 15 on 2025-07-09; 603/4767/3 needs learners aged 16 or over")
    }

    @Test func aCentreInAnotherTimeZoneCountsItsOwnDate() throws {
        let centre = try C.standard(timeZone: try #require(TimeZone(identifier: "America/New_York")))
        // 00:30 in London is 19:30 the evening before in New York.
        let londonMidnight = try #require(Timestamp.parse("2025-07-10T00:30:00+01:00"))
        #expect(centre.refusal(.learnerRegistered(C.learner("L2", born: "2009-07-10")), by: "admin", at: londonMidnight)
            == "rule minimum-age: learner L2 is 15 on 2025-07-09; 603/4767/3 needs learners aged 16 or over")
        let newYorkMidnight = try #require(Timestamp.parse("2025-07-10T00:30:00-04:00"))
        #expect(centre.refusal(.learnerRegistered(C.learner("L2", born: "2009-07-10")), by: "admin", at: newYorkMidnight) == nil)
    }

    @Test func assignedStaffHoldTheirRoles() throws {
        let centre = try C.standard()
        var learner = C.learner("L2")
        learner.internalQualityAssurer = "a2"
        #expect(centre.refusal(.learnerRegistered(learner), by: "admin")
            == "rule role: a2, the internal quality assurer of learner L2, is not registered as internal quality assurer")
        learner.internalQualityAssurer = "i2"
        #expect(centre.refusal(.learnerRegistered(learner), by: "admin") == nil)
    }

    @Test func evidenceAndDecisionsReferToTheLearnersSpecification() throws {
        let centre = try C.standard()
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", unit: "Z/999/9999")), by: "a2")
            == "rule specification-criteria: unit Z/999/9999 of evidence E1 is not in 603/4767/3 version 1, which learner L1 is registered on")
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", criteria: ["1.1", "9.9"])), by: "a2")
            == "rule specification-criteria: criterion 9.9 of evidence E1 is not in unit A/506/2130")
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", criteria: ["1.1", "1.2"])), by: "a2") == nil)
    }

    @Test func aDecisionCoversOnlyCriteriaTheEvidenceClaims() throws {
        let centre = try C.standard()
        try centre.record(.evidenceSubmitted(C.evidence("E1", criteria: ["1.1", "1.2"])), by: "a2")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1", criteria: ["1.1", "1.3"])), by: "a1")
            == "rule criteria-claimed: criterion 1.3 of assessment AS1 is not claimed by evidence E1 (it claims 1.1, 1.2)")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1", criteria: ["1.1"])), by: "a1") == nil)
    }

    @Test func theAssessorWhoRecordedEvidenceMayAssessItButNotItsWitness() throws {
        let centre = try C.standard()
        try centre.record(.evidenceSubmitted(C.evidence("E1")), by: "a1")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: "a1") == nil)
        try centre.record(.evidenceSubmitted(C.evidence("E2", method: .witnessTestimony, witness: "d1")), by: "a1")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS2", of: "E2")), by: "d1")
            == "rule independent-assessor: d1 is the witness of evidence E2 and cannot decide on it (assessment AS2)")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS2", of: "E2")), by: "a2") == nil)
    }

    @Test func testimonyNamesItsWitness() throws {
        let centre = try C.standard()
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", method: .expertWitnessTestimony)), by: "a1")
            == "rule witness-named: evidence E1 is expert_witness_testimony but names no witness")
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", method: .expertWitnessTestimony, witness: "w-44")), by: "a1") == nil)
    }

    @Test func anAssessorAssessesOnlyUnitsTheyAreCompetentIn() throws {
        let centre = try C.standard()
        try centre.record(.evidenceSubmitted(C.evidence("E1", unit: "D/506/2119", criteria: ["1.1"])), by: "a1")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1", criteria: ["1.1"])), by: "a2")
            == "rule assessor-competence: a2 is not recorded as competent to assess unit D/506/2119 (assessment AS1)")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1", criteria: ["1.1"])), by: "d1") == nil)
    }

    @Test func anIQANeverSamplesTheirOwnDecision() throws {
        let centre = try C.standard()
        try centre.record(.evidenceSubmitted(C.evidence("E1")), by: "a1")
        try centre.record(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: "d1")
        #expect(centre.refusal(.assessmentSampled(C.sample("S1", of: "AS1")), by: "d1")
            == "rule independent-sampler: d1 made assessment AS1 and cannot sample it (sample S1)")
        #expect(centre.refusal(.assessmentSampled(C.sample("S1", of: "AS1")), by: "i2") == nil)
    }

    @Test func aDisagreementGivesItsRationaleAndAction() throws {
        let centre = try C.standard()
        try centre.record(.evidenceSubmitted(C.evidence("E1")), by: "a2")
        try centre.record(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: "a1")
        var bare = C.sample("S1", of: "AS1", outcome: .disagreed)
        bare.requiredAction = ""
        #expect(centre.refusal(.assessmentSampled(bare), by: "i1")
            == "rule reason-given: disagreed sample S1 of assessment AS1 needs a requiredAction; it is empty")
        #expect(centre.refusal(.assessmentSampled(C.sample("S1", of: "AS1", outcome: .disagreed)), by: "i1") == nil)
    }

    @Test func onlyADisagreedSampleIsRevisedAndOnlyOnce() throws {
        let centre = try C.standard()
        try centre.record(.evidenceSubmitted(C.evidence("E1")), by: "a2")
        try centre.record(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: "a1")
        try centre.record(.assessmentSampled(C.sample("S1", of: "AS1")), by: "i1")
        try centre.record(.assessmentSampled(C.sample("S2", of: "AS1", stage: .summative, outcome: .disagreed)), by: "i2")
        func revision(_ sample: String) -> DomainEvent {
            .decisionRevised(.with {
                $0.assessmentID = "AS1"
                $0.sampleID = sample
                $0.decisions = [.with { $0.criterion = "1.2"; $0.outcome = .notYetMet }]
                $0.rationale = "Agreed with the IQA: 1.2 needs further evidence."
            })
        }
        #expect(centre.refusal(revision("S1"), by: "a1")
            == "rule revision-after-disagreement: sample S1 agreed with assessment AS1; there is nothing to revise")
        #expect(centre.refusal(revision("S9"), by: "a1") == "rule sample-known: sample S9 of the revision of assessment AS1 after sample S9 has not been recorded")
        #expect(centre.refusal(revision("S2"), by: "a1") == nil)
        #expect(centre.refusal(revision("S2"), by: "a1")
            == "rule revision-after-disagreement: assessment AS1 is already revised after sample S2")
    }

    @Test func anUndecidedAdjustmentHoldsBackAssessment() throws {
        let centre = try C.standard()
        try centre.record(.adjustmentRequested(.with {
            $0.adjustmentID = "RA1"; $0.learnerID = "L1"; $0.arrangement = "a reader"; $0.units = ["A/506/2130"]
        }), by: "admin")
        try centre.record(.evidenceSubmitted(C.evidence("E1")), by: "a2")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: "a1")
            == "rule adjustment-decided-first: learner L1 has reasonable adjustment RA1 for unit A/506/2130 awaiting the awarding organisation's decision (assessment AS1)")
        try centre.record(.adjustmentApproved(.with { $0.adjustmentID = "RA1"; $0.conditions = "reader for written tasks" }), by: "o1")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1", adjustments: ["RA1"])), by: "a1") == nil)
    }

    @Test func anApprovedAdjustmentThatAppliesIsRecordedOnTheAssessment() throws {
        let centre = try C.standard()
        try centre.record(.adjustmentRequested(.with { $0.adjustmentID = "RA1"; $0.learnerID = "L1"; $0.arrangement = "extra time" }), by: "admin")
        try centre.record(.adjustmentApproved(.with { $0.adjustmentID = "RA1" }), by: "o1")
        try centre.record(.evidenceSubmitted(C.evidence("E1")), by: "a2")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: "a1")
            == "rule adjustment-recorded: approved adjustment RA1 of learner L1 applies to unit A/506/2130 and must be listed in the adjustmentsApplied of the criteria of assessment AS1 it was used for")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1", adjustments: ["RA7"])), by: "a1")
            == "rule adjustment-recorded: adjustment RA7 on criterion 1.1 of assessment AS1 is not an approved adjustment of learner L1")
        // Listed on the one criterion it was used for.
        var partly = C.assessment("AS1", of: "E1")
        partly.decisions[1].adjustmentsApplied = ["RA1"]
        #expect(centre.refusal(.evidenceAssessed(partly), by: "a1") == nil)
    }

    @Test func anAdjustmentIsDecidedOnce() throws {
        let centre = try C.standard()
        #expect(centre.refusal(.adjustmentApproved(.with { $0.adjustmentID = "RA1" }), by: "o1")
            == "rule adjustment-known: adjustment RA1 has not been requested")
        try centre.record(.adjustmentRequested(.with { $0.adjustmentID = "RA1"; $0.learnerID = "L1"; $0.arrangement = "extra time" }), by: "admin")
        #expect(centre.refusal(.adjustmentRejected(.with { $0.adjustmentID = "RA1"; $0.reason = "not evidenced" }), by: "o1") == nil)
        #expect(centre.refusal(.adjustmentApproved(.with { $0.adjustmentID = "RA1" }), by: "o1")
            == "rule adjustment-pending: adjustment RA1 is already rejected")
    }

    @Test func nothingIsRecordedAgainstWithdrawnEvidence() throws {
        let centre = try C.standard()
        try centre.record(.evidenceSubmitted(C.evidence("E1")), by: "a2")
        try centre.record(.evidenceSubmitted(C.evidence("E2")), by: "a2")
        try centre.record(.evidenceWithdrawn(.with { $0.evidenceID = "E1"; $0.reason = "malpractice: copied work" }), by: "i1")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: "a1")
            == "rule evidence-withdrawn: evidence E1 of assessment AS1 has been withdrawn")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E2")), by: "a1") == nil)
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS2", of: "E9")), by: "a1")
            == "rule evidence-known: evidence E9 of assessment AS2 has not been submitted")
    }

    @Test func nothingIsRecordedForAWithdrawnLearner() throws {
        let centre = try C.standard()
        try centre.record(.learnerRegistered(C.learner("L2")), by: "admin")
        try centre.record(.learnerWithdrawn(.with { $0.learnerID = "L2"; $0.reason = "moved away" }), by: "admin")
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", learner: "L2")), by: "a1")
            == "rule learner-withdrawn: learner L2 of evidence E1 has withdrawn")
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E1", learner: "L1")), by: "a1") == nil)
        #expect(centre.refusal(.evidenceSubmitted(C.evidence("E2", learner: "L7")), by: "a1")
            == "rule learner-registered: learner L7 of evidence E2 is not registered")
    }

    @Test func rplIsCreditedOnceAndOnlyExistingCreditIsRevoked() throws {
        let centre = try C.standard()
        func transfer(_ id: String) -> DomainEvent {
            .rplCredited(.with {
                $0.rplID = id; $0.learnerID = "L1"; $0.unit = "D/506/2119"; $0.basis = .creditTransfer
                $0.evidence = "certificate 4471-22"
            })
        }
        #expect(centre.refusal(transfer("R1"), by: "a1") == nil)
        #expect(centre.refusal(transfer("R2"), by: "a1") == "rule rpl-once: unit D/506/2119 is already credited to learner L1 (RPL R2)")
        let partial = DomainEvent.rplCredited(.with {
            $0.rplID = "R3"; $0.learnerID = "L1"; $0.unit = "A/506/2130"; $0.basis = .priorLearning
            $0.criteria = ["1.1"]; $0.evidence = "portfolio from previous employer"
        })
        #expect(centre.refusal(partial, by: "a1") == nil)
        var again = partial
        if case var .rplCredited(m) = again { m.rplID = "R4"; again = .rplCredited(m) }
        #expect(centre.refusal(again, by: "a1") == "rule rpl-once: criterion 1.1 of unit A/506/2130 is already credited to learner L1 (RPL R4)")
        #expect(centre.refusal(.rplRevoked(.with { $0.rplID = "R9"; $0.reason = "error" }), by: "a1")
            == "rule rpl-known: RPL R9 has not been credited")
        #expect(centre.refusal(.rplRevoked(.with { $0.rplID = "R1"; $0.reason = "certificate not verified" }), by: "a1") == nil)
        #expect(centre.refusal(.rplRevoked(.with { $0.rplID = "R1"; $0.reason = "again" }), by: "a1")
            == "rule rpl-known: RPL R1 is already revoked")
        #expect(centre.refusal(transfer("R5"), by: "a1") == nil)
    }

    @Test func timeRunsForwardForEvidenceDecisionsAndSamples() throws {
        let centre = try C.standard()
        let submitted = centre.now
        try centre.record(.evidenceSubmitted(C.evidence("E1")), by: "a2")
        #expect(centre.refusal(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: "a1", at: submitted - 60)
            == "rule time-order: assessment AS1 at \(Timestamp.format(submitted - 60)) is before evidence E1 was submitted (\(Timestamp.format(submitted)))")
        let decided = centre.now
        try centre.record(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: "a1")
        #expect(centre.refusal(.assessmentSampled(C.sample("S1", of: "AS1")), by: "i1", at: decided - 1)
            == "rule time-order: sample S1 of assessment AS1 at \(Timestamp.format(decided - 1)) is before assessment AS1 was decided (\(Timestamp.format(decided)))")
        #expect(centre.refusal(.assessmentSampled(C.sample("S1", of: "AS1")), by: "i1", at: decided) == nil)
    }

    @Test func standardisationIsLedByAnIQAWithRegisteredParticipants() throws {
        let centre = try C.standard()
        func activity(lead: String, participants: [String]) -> DomainEvent {
            .standardisationRecorded(.with {
                $0.activityID = "ST1"; $0.ledBy = lead; $0.participants = participants; $0.units = ["A/506/2130"]
                $0.agreedOutcome = "Shared standard for observation records agreed."
            })
        }
        #expect(centre.refusal(activity(lead: "a1", participants: ["a1", "a2"]), by: "i1")
            == "rule role: a1, the lead of standardisation ST1, is not registered as internal quality assurer")
        #expect(centre.refusal(activity(lead: "i1", participants: ["a1", "ghost"]), by: "i1")
            == "rule registered-staff: participant ghost of standardisation ST1 is not registered staff")
        #expect(centre.refusal(activity(lead: "i1", participants: ["a1", "a2", "i2"]), by: "i1") == nil)
        #expect(centre.refusal(activity(lead: "i1", participants: ["a1"]), by: "i1")
            == "rule id-unique: standardisation ST1 is already recorded")
    }

    @Test func aRefusedEventInABatchAppendsNothingAndRemembersNothing() throws {
        let centre = try C.standard()
        let head = try centre.store.log.head()
        var admin = Actor()
        admin.id = "admin"
        let batch = try [
            CentreEvent(.learnerRegistered(C.learner("L2")), actor: admin, occurredAt: centre.now),
            CentreEvent(.learnerRegistered(C.learner("L2")), actor: admin, occurredAt: centre.now),
        ]
        #expect(throws: BatchRefusal.self) { try centre.store.append(batch) }
        #expect(try centre.store.log.head() == head)
        #expect(centre.refusal(.learnerRegistered(C.learner("L2")), by: "admin") == nil)
    }
}
