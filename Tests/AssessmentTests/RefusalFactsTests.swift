import AttestTesting
import Assessment
import EventLog
import Foundation
import Records
import Testing

/// Every rule of docs/events.md, broken once: its refusal names the rule and every id of
/// the offending line (learner, evidence, assessment, sample, adjustment, RPL, unit,
/// criterion, staff) that the facts turn on.
@Suite struct RefusalFactsTests {
    typealias C = TestCentre

    /// A broken rule: the event, who records it (and when, if not now), and the ids its refusal must name.
    struct Case {
        let rule: String
        let event: DomainEvent
        var by: String = "a1"
        var at: Date?
        let names: [String]
    }

    /// A centre with something for every rule to trip over.
    static func centre() throws -> TestCentre {
        let centre = try C.standard()
        var withULN = C.learner("L4")
        withULN.uln = "1234567890"
        try centre.record(.learnerRegistered(withULN), by: "admin")
        try centre.record(.learnerRegistered(C.learner("L2")), by: "admin")
        try centre.record(.learnerWithdrawn(.with { $0.learnerID = "L2"; $0.reason = "moved away" }), by: "admin")
        try centre.record(.learnerRegistered(C.learner("L5")), by: "admin")
        try centre.record(.learnerErased(.with { $0.learnerID = "L5"; $0.reason = "retention period ended" }), by: "admin")
        try certificate(learner: "L3", in: centre)
        try centre.record(.adjustmentRequested(.with { $0.adjustmentID = "RA1"; $0.learnerID = "L1"; $0.arrangement = "a reader"; $0.units = ["F/506/2131"] }), by: "admin")
        try centre.record(.adjustmentRequested(.with { $0.adjustmentID = "RA2"; $0.learnerID = "L1"; $0.arrangement = "extra time"; $0.units = ["D/506/2119"] }), by: "admin")
        try centre.record(.adjustmentApproved(.with { $0.adjustmentID = "RA2" }), by: "o1")
        try centre.record(.adjustmentRequested(.with { $0.adjustmentID = "RA3"; $0.learnerID = "L1"; $0.arrangement = "a scribe" }), by: "admin")
        try centre.record(.adjustmentRejected(.with { $0.adjustmentID = "RA3"; $0.reason = "not needed for observation" }), by: "o1")
        try centre.record(.evidenceSubmitted(C.evidence("E1")), by: "a2")
        try centre.record(.evidenceAssessed(C.assessment("AS1", of: "E1")), by: "a1")
        try centre.record(.assessmentSampled(C.sample("S1", of: "AS1")), by: "i1")
        try centre.record(.evidenceSubmitted(C.evidence("E3", criteria: ["1.3"])), by: "a2")
        try centre.record(.evidenceAssessed(C.assessment("AS3", of: "E3", criteria: ["1.3"])), by: "d1")
        try centre.record(.evidenceSubmitted(C.evidence("EF", unit: "F/506/2131", criteria: ["1.1"], method: .workProduct)), by: "a1")
        try centre.record(.evidenceSubmitted(C.evidence("ED", unit: "D/506/2119", criteria: ["1.1"], method: .workProduct)), by: "a1")
        try centre.record(.evidenceSubmitted(C.evidence("EW", method: .witnessTestimony, witness: "d1")), by: "a1")
        try centre.record(.evidenceSubmitted(C.evidence("EX", method: .workProduct)), by: "a1")
        try centre.record(.evidenceWithdrawn(.with { $0.evidenceID = "EX"; $0.reason = "copied from another learner" }), by: "i1")
        try centre.record(.rplCredited(.with { $0.rplID = "R1"; $0.learnerID = "L1"; $0.unit = "T/506/2126"; $0.basis = .creditTransfer; $0.evidence = "certificate 1" }), by: "a1")
        try centre.record(.rplRevoked(.with { $0.rplID = "R1"; $0.reason = "not verified" }), by: "a1")
        try centre.record(.rplCredited(.with { $0.rplID = "R2"; $0.learnerID = "L1"; $0.unit = "D/506/2119"; $0.basis = .creditTransfer; $0.evidence = "certificate 2" }), by: "a1")
        try centre.record(.simulationReviewed(.with {
            $0.simulationID = "SIM1"; $0.units = ["A/506/2130"]; $0.summary = "A counter role-play"; $0.fitForPurpose = false
            $0.rationale = "The learner is told what will happen"
        }), by: "i1")
        try centre.record(.accountOpened(.with { $0.staffID = "a1" }), by: "admin")
        try centre.record(.accountOpened(.with { $0.staffID = "a2" }), by: "admin")
        try centre.record(.accountDisabled(.with { $0.staffID = "a2" }), by: "admin")
        try centre.record(.tokenIssued(token("T1", of: "a1", expiring: centre.now + 86_400)), by: "a1")
        try centre.record(.tokenRevoked(.with { $0.tokenID = "T1" }), by: "a1")
        try centre.record(.tokenIssued(token("T2", of: "a1", expiring: centre.now + 86_400)), by: "a1")
        return centre
    }

    static func token(_ id: String, of staff: String, expiring: Date) -> Attest_V1_TokenIssued {
        .with { $0.tokenID = id; $0.staffID = staff; $0.expiresAt = Timestamp.format(expiring) }
    }

    /// Learner `learner` on a one-criterion standalone unit, achieved, sampled and certificated.
    static func certificate(learner: String, in centre: TestCentre) throws {
        let unit = Attest_V1_Specification.with {
            $0.id = "Y/999/0002"; $0.kind = .standaloneUnit; $0.title = "A unit"
            $0.units = [.with { $0.number = "Y/999/0002"; $0.credits = 1; $0.learningOutcomes = [.with { $0.number = "1"; $0.criteria = [.with { $0.number = "1.1" }] }] }]
        }
        try centre.record(.specificationImported(.with { $0.version = 1; $0.specification = unit }), by: "admin")
        try centre.record(.staffRegistered(.with {
            $0.staffID = "a9"; $0.roles = [.assessor]; $0.competentUnits = [unit.id]; $0.status = .qualified
        }), by: "admin")
        var registration = C.learner(learner)
        registration.qualification = unit.id
        registration.assessor = "a9"
        try centre.record(.learnerRegistered(registration), by: "admin")
        try centre.record(.evidenceSubmitted(C.evidence("E-\(learner)", unit: unit.id, criteria: ["1.1"], learner: learner)), by: "a9")
        try centre.record(.evidenceAssessed(C.assessment("AS-\(learner)", of: "E-\(learner)", criteria: ["1.1"])), by: "a9")
        try centre.record(.assessmentSampled(C.sample("S-\(learner)", of: "AS-\(learner)", stage: .summative)), by: "i1")
        try centre.record(.certificateClaimed(.with { $0.learnerID = learner }), by: "admin")
    }

    static func cases(now: Date) -> [Case] {
        var standalone = Attest_V1_Specification.with {
            $0.id = "Y/999/0001"; $0.kind = .standaloneUnit; $0.title = "A unit"
            $0.units = [.with { $0.number = "Y/999/0001"; $0.credits = 2; $0.learningOutcomes = [.with { $0.number = "1"; $0.criteria = [.with { $0.number = "1.1" }] }] }]
        }
        standalone.rulesOfCombination.totalCredits = 2
        var revised = Qualifications.customerServiceLevel2
        revised.title += " (revised)"
        var underAge = C.learner("L9", born: "2015-01-01")
        underAge.uln = "2345678901"
        var sameULN = C.learner("L8")
        sameULN.uln = "1234567890"
        var underULN = C.learner("4567890123")
        underULN.uln = "4567890123"
        var unknownSpecification = C.learner("L7")
        unknownSpecification.specificationVersion = 5
        var noOutcome = C.assessment("AS9", of: "E1")
        noOutcome.decisions[0].outcome = .unspecified
        var disagreed = C.sample("S9", of: "AS1", outcome: .disagreed)
        disagreed.rationale = " "
        func revision(_ sample: String, of assessment: String) -> DomainEvent {
            .decisionRevised(.with {
                $0.assessmentID = assessment; $0.sampleID = sample; $0.rationale = "Agreed with the IQA"
                $0.decisions = [.with { $0.criterion = "1.1"; $0.outcome = .notYetMet }]
            })
        }
        return [
            Case(rule: "registered-staff", event: .learnerRegistered(C.learner("L9")), by: "stranger", names: ["stranger"]),
            Case(rule: "role", event: .evidenceAssessed(C.assessment("AS9", of: "E1")), by: "i1", names: ["i1", "evidence.assessed"]),
            Case(rule: "future-dated", event: .learnerRegistered(C.learner("L9")), by: "admin", at: now + 3600,
                 names: [Timestamp.format(now + 3600)]),
            Case(rule: "time-order", event: .evidenceAssessed(C.assessment("AS9", of: "E1")), at: Date(timeIntervalSince1970: 1_736_154_000),
                 names: ["AS9", "L1"]),
            Case(rule: "well-formed", event: .evidenceAssessed(noOutcome), names: ["AS9", "1.1"]),
            Case(rule: "well-formed", event: .evidenceSubmitted(C.evidence("E9", unit: "")), by: "a2", names: ["E9", "unit"]),
            Case(rule: "reason-given", event: .learnerWithdrawn(.with { $0.learnerID = "L1"; $0.reason = "  " }), by: "admin", names: ["L1", "reason"]),
            Case(rule: "reason-given", event: .adjustmentRejected(.with { $0.adjustmentID = "RA1" }), by: "o1", names: ["RA1", "reason"]),
            Case(rule: "reason-given", event: .assessmentSampled(disagreed), by: "i1", names: ["S9", "AS1", "rationale"]),
            Case(rule: "id-unique", event: .evidenceSubmitted(C.evidence("E1")), by: "a2", names: ["E1"]),
            Case(rule: "specification-well-formed", event: .specificationImported(.with { $0.version = 1; $0.specification = standalone }),
                 by: "admin", names: ["Y/999/0001", "rulesOfCombination"]),
            Case(rule: "specification-version", event: .specificationImported(.with { $0.version = 3; $0.specification = revised }),
                 by: "admin", names: ["603/4767/3", "3", "2"]),
            Case(rule: "specification-unchanged", event: .specificationImported(.with { $0.version = 2; $0.specification = Qualifications.customerServiceLevel2 }),
                 by: "admin", names: ["603/4767/3"]),
            Case(rule: "specification-known", event: .learnerRegistered(unknownSpecification), by: "admin", names: ["L7", "603/4767/3", "5"]),
            Case(rule: "specification-criteria", event: .evidenceSubmitted(C.evidence("E9", unit: "Z/999/9999")), by: "a2",
                 names: ["E9", "Z/999/9999", "L1"]),
            Case(rule: "specification-criteria", event: .evidenceSubmitted(C.evidence("E9", criteria: ["9.9"])), by: "a2",
                 names: ["E9", "9.9", "A/506/2130"]),
            Case(rule: "minimum-age", event: .learnerRegistered(underAge), by: "admin", names: ["L9", "603/4767/3", "16"]),
            Case(rule: "learner-unique", event: .learnerRegistered(C.learner("L1")), by: "admin", names: ["L1"]),
            Case(rule: "learner-registered", event: .evidenceSubmitted(C.evidence("E9", learner: "L7")), by: "a2", names: ["L7"]),
            Case(rule: "learner-withdrawn", event: .evidenceSubmitted(C.evidence("E9", learner: "L2")), by: "a2", names: ["L2"]),
            Case(rule: "learner-erased", event: .evidenceSubmitted(C.evidence("E9", learner: "L5")), by: "a2", names: ["L5"]),
            Case(rule: "uln-unique", event: .learnerRegistered(sameULN), by: "admin", names: ["1234567890", "L8", "L4"]),
            Case(rule: "learner-pseudonymous", event: .learnerRegistered(underULN), by: "admin", names: ["4567890123"]),
            Case(rule: "adjustment-known", event: .adjustmentApproved(.with { $0.adjustmentID = "RA9" }), by: "o1", names: ["RA9"]),
            Case(rule: "adjustment-pending", event: .adjustmentApproved(.with { $0.adjustmentID = "RA3" }), by: "o1", names: ["RA3"]),
            Case(rule: "adjustment-decided-first", event: .evidenceAssessed(C.assessment("AS9", of: "EF", criteria: ["1.1"])),
                 names: ["L1", "RA1", "F/506/2131", "AS9"]),
            Case(rule: "adjustment-recorded", event: .evidenceAssessed(C.assessment("AS9", of: "ED", criteria: ["1.1"])),
                 names: ["L1", "RA2", "D/506/2119", "AS9"]),
            Case(rule: "evidence-known", event: .evidenceAssessed(C.assessment("AS9", of: "E9")), names: ["E9", "AS9"]),
            Case(rule: "evidence-withdrawn", event: .evidenceAssessed(C.assessment("AS9", of: "EX")), names: ["EX", "AS9"]),
            Case(rule: "witness-named", event: .evidenceSubmitted(C.evidence("E9", method: .witnessTestimony)), by: "a2", names: ["E9"]),
            Case(rule: "simulation-reviewed", event: .evidenceSubmitted(C.evidence("E9", method: .simulation, simulation: "SIM1")), by: "a2",
                 names: ["E9", "SIM1"]),
            Case(rule: "independent-assessor", event: .evidenceAssessed(C.assessment("AS9", of: "EW")), by: "d1", names: ["d1", "EW", "AS9"]),
            Case(rule: "assessor-competence", event: .evidenceAssessed(C.assessment("AS9", of: "ED", criteria: ["1.1"], adjustments: ["RA2"])),
                 by: "a2", names: ["a2", "D/506/2119", "AS9"]),
            Case(rule: "criteria-claimed", event: .evidenceAssessed(C.assessment("AS9", of: "E1", criteria: ["1.3"])), names: ["1.3", "AS9", "E1"]),
            Case(rule: "assessment-known", event: .assessmentSampled(C.sample("S9", of: "AS8")), by: "i1", names: ["AS8", "S9"]),
            Case(rule: "independent-sampler", event: .assessmentSampled(C.sample("S9", of: "AS3")), by: "d1", names: ["d1", "AS3", "S9"]),
            Case(rule: "sample-known", event: revision("S8", of: "AS1"), names: ["S8", "AS1"]),
            Case(rule: "revision-after-disagreement", event: revision("S1", of: "AS1"), names: ["S1", "AS1"]),
            Case(rule: "rpl-once", event: .rplCredited(.with {
                $0.rplID = "R9"; $0.learnerID = "L1"; $0.unit = "D/506/2119"; $0.basis = .creditTransfer; $0.evidence = "certificate 3"
            }), names: ["R9", "D/506/2119", "L1"]),
            Case(rule: "rpl-known", event: .rplRevoked(.with { $0.rplID = "R1"; $0.reason = "again" }), names: ["R1"]),
            Case(rule: "certificate-once", event: .certificateClaimed(.with { $0.learnerID = "L3" }), by: "admin", names: ["L3"]),
            Case(rule: "account-unique", event: .accountOpened(.with { $0.staffID = "a1" }), by: "admin", names: ["a1"]),
            Case(rule: "account-known", event: .accountReset(.with { $0.staffID = "i2" }), by: "admin", names: ["i2"]),
            Case(rule: "account-enabled", event: .tokenIssued(token("T9", of: "a2", expiring: now + 86_400 * 30)), by: "a2", names: ["a2"]),
            Case(rule: "token-known", event: .tokenRevoked(.with { $0.tokenID = "T1" }), by: "a1", names: ["T1"]),
            Case(rule: "token-holder", event: .tokenRevoked(.with { $0.tokenID = "T2" }), by: "i1", names: ["T2", "a1", "i1"]),
            Case(rule: "certificate-earned", event: .certificateClaimed(.with { $0.learnerID = "L1" }), by: "admin",
                 names: ["L1", "603/4767/3", "A/506/2130"]),
        ]
    }

    @Test func everyRefusalNamesItsRuleAndTheIdsOfTheLine() throws {
        let centre = try Self.centre()
        let head = try centre.store.log.head()
        for broken in Self.cases(now: Date()) {
            let refusal = try #require(centre.refusal(broken.event, by: broken.by, at: broken.at), "rule \(broken.rule) was not broken")
            #expect(refusal.hasPrefix("rule \(broken.rule): "), "\(refusal)")
            for id in broken.names { #expect(refusal.contains(id), "\(refusal) does not name \(id)") }
        }
        #expect(try centre.store.log.head() == head, "a refusal appended something")
    }

    /// An event that names no learner is refused by the rules, by name, before the store
    /// would make a key for its personal fields under an empty learner id.
    @Test func anEventNamingNoLearnerIsRefusedAsNotWellFormed() throws {
        let centre = try C.standard()
        let head = try centre.store.log.head()
        let events: [(DomainEvent, String)] = [
            (.learnerRegistered(C.learner("")), "admin"),
            (.learnerNameCorrected(.with { $0.givenName = "Ann" }), "admin"),
            (.rplCredited(.with { $0.rplID = "R9"; $0.unit = "T/506/2126"; $0.basis = .creditTransfer; $0.evidence = "certificate 3" }), "a1"),
            (.evidenceSubmitted(C.evidence("E9", learner: "")), "a2"),
            (.adjustmentRequested(.with { $0.adjustmentID = "RA9"; $0.arrangement = "a reader" }), "admin"),
            (.learnerWithdrawn(.with { $0.reason = "moved away" }), "admin"),
        ]
        for (event, actor) in events {
            let refusal = try #require(centre.refusal(event, by: actor), "\(event.type.rawValue) naming no learner was accepted")
            #expect(refusal.hasPrefix("rule well-formed: ") && refusal.contains("learnerId"), "\(refusal)")
        }
        #expect(try centre.store.log.head() == head, "a refusal appended something")
    }

    /// A rule of a first event, and one of the learner as actor, need centres of their own.
    @Test func theFirstEventAndLearnerRulesNameTheirIdsToo() throws {
        let empty = try TestCentre()
        #expect(empty.refusal(.staffRegistered(.with { $0.staffID = "a1"; $0.roles = [.assessor]; $0.status = .qualified }), by: "a1")?
            .hasPrefix("rule first-administrator: ") == true)
        let centre = try C.standard()
        var learner = Actor()
        learner.id = "L1"
        learner.role = "learner"
        let refusal = try #require(centre.refusal(.evidenceSubmitted(C.evidence("E9", method: .observation)), by: learner), "a learner recorded an observation")
        #expect(refusal.hasPrefix("rule evidence-producer: ") && refusal.contains("L1") && refusal.contains("E9"))
    }

    /// The rules docs/events.md lists are the rules these tests break (certificate-earned,
    /// checked by the transcript report, is broken in ProjectionsTests).
    @Test func everyDocumentedRuleIsBrokenHere() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/events.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let table = try #require(text.components(separatedBy: "## Rules").last?.components(separatedBy: "## Schema versions").first)
        var documented = Set<String>()
        for line in table.split(separator: "\n") where line.hasPrefix("| `") {
            let cell = line.split(separator: "|")[0]
            for name in cell.split(separator: ",") { documented.insert(name.trimmingCharacters(in: CharacterSet(charactersIn: " `"))) }
        }
        let broken = Set(Self.cases(now: Date()).map(\.rule)).union(["first-administrator", "evidence-producer", "certificate-earned"])
        #expect(documented == broken)
    }
}
