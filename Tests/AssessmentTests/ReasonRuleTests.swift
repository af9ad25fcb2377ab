import AttestTesting
import Assessment
import Records
import Testing

/// Every reason, rationale and required action the catalogue calls required is refused
/// when empty or only white space, by the one rule `reason-given`.
@Suite struct ReasonRuleTests {
    typealias C = TestCentre

    /// Each event carrying a reason, with `text` as that reason, and what its refusal names.
    static func events(reason text: String) -> [(event: DomainEvent, by: String, names: String)] {
        var disagreed = C.sample("S9", of: "AS1", outcome: .disagreed)
        disagreed.rationale = text
        var noAction = C.sample("S8", of: "AS1", outcome: .disagreed)
        noAction.requiredAction = text
        // In an order that lets every one of them be recorded when the reason is given.
        return [
            (.adjustmentRejected(.with { $0.adjustmentID = "RA2"; $0.reason = text }), "o1", "the rejection of adjustment RA2 needs a reason"),
            (.rplRevoked(.with { $0.rplID = "R1"; $0.reason = text }), "a1", "the revocation of RPL R1 needs a reason"),
            (.assessmentSampled(disagreed), "i1", "disagreed sample S9 of assessment AS1 needs a rationale"),
            (.assessmentSampled(noAction), "i1", "disagreed sample S8 of assessment AS1 needs a requiredAction"),
            (.decisionRevised(.with {
                $0.assessmentID = "AS1"; $0.sampleID = "S1"; $0.rationale = text
                $0.decisions = [.with { $0.criterion = "1.1"; $0.outcome = .notYetMet }]
            }), "a1", "the revision of assessment AS1 after sample S1 needs a rationale"),
            (.simulationReviewed(.with {
                $0.simulationID = "SIM1"; $0.units = ["A/506/2130"]; $0.summary = "A role-play"; $0.fitForPurpose = true; $0.rationale = text
            }), "i1", "the review of simulation SIM1 needs a rationale"),
            (.evidenceWithdrawn(.with { $0.evidenceID = "E1"; $0.reason = text }), "i1", "the withdrawal of evidence E1 needs a reason"),
            (.learnerWithdrawn(.with { $0.learnerID = "L1"; $0.reason = text }), "admin", "the withdrawal of learner L1 needs a reason"),
        ]
    }

    @Test(arguments: ["", "   ", "\t\n"])
    func anEmptyOrBlankReasonIsRefused(reason: String) throws {
        let centre = try C.standard()
        try centre.record(.adjustmentRequested(.with { $0.adjustmentID = "RA1"; $0.learnerID = "L1"; $0.arrangement = "a reader" }), by: "admin")
        try centre.record(.adjustmentApproved(.with { $0.adjustmentID = "RA1" }), by: "o1")
        try centre.record(.evidenceSubmitted(C.evidence("E1")), by: "a2")
        try centre.record(.evidenceAssessed(C.assessment("AS1", of: "E1", adjustments: ["RA1"])), by: "a1")
        try centre.record(.assessmentSampled(C.sample("S1", of: "AS1", outcome: .disagreed)), by: "i1")
        try centre.record(.rplCredited(.with { $0.rplID = "R1"; $0.learnerID = "L1"; $0.unit = "D/506/2119"; $0.basis = .creditTransfer; $0.evidence = "certificate 7" }), by: "a1")
        try centre.record(.adjustmentRequested(.with { $0.adjustmentID = "RA2"; $0.learnerID = "L1"; $0.arrangement = "extra time" }), by: "admin")
        for (event, actor, names) in Self.events(reason: reason) {
            let refusal = try #require(centre.refusal(event, by: actor), "\(event.type.rawValue) with reason \(reason.debugDescription) was accepted")
            #expect(refusal.hasPrefix("rule reason-given: " + names), "\(refusal)")
        }
        for (event, actor, _) in Self.events(reason: "Agreed at the review meeting") {
            #expect(centre.refusal(event, by: actor) == nil, "\(event.type.rawValue)")
        }
    }
}
