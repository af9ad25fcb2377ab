import AttestTesting
import Assessment
import EventLog
import Foundation
import Records
import Testing

/// A centre's input lines: what a hostile or careless writer sends is refused by field,
/// before it reaches the rules or the store.
@Suite struct StrictInputTests {
    static let envelope = #""actor":{"id":"assessor-1"},"occurredAt":"2026-03-02T09:30:00Z""#

    func refusal(_ line: String) -> String? { refusal(Array(line.utf8)) }

    func refusal(_ bytes: [UInt8]) -> String? {
        do {
            _ = try CentreEvent(line: bytes[...])
            return nil
        } catch let error as EventInputError {
            return error.description
        } catch {
            return "not a typed refusal: \(error)"
        }
    }

    func line(_ type: String, _ payload: String, envelope: String = envelope) -> String {
        #"{"type":"\#(type)",\#(envelope),"payload":\#(payload)}"#
    }

    @Test func enumerationNumbersTheSchemaDoesNotHaveAreRefusedByField() {
        #expect(refusal(line("evidence.assessed", #"{"assessmentId":"AS-1","evidenceId":"EV-1","decisions":[{"criterion":"1.1","outcome":7}]}"#))
            == #"payload of evidence.assessed: "payload.decisions[0].outcome" holds 7, which is not a value of CriterionOutcome; write the value's name"#)
        #expect(refusal(line("assessment.sampled", #"{"sampleId":"SM-1","assessmentId":"AS-1","stage":"INTERIM","outcome":7}"#))
            == #"payload of assessment.sampled: "payload.outcome" holds 7, which is not a value of SampleOutcome; write the value's name"#)
        #expect(refusal(line("evidence.submitted", #"{"evidenceId":"EV-1","learnerId":"L1","unit":"A/506/2130","method":99,"criteria":["1.1"]}"#))?
            .contains(#""payload.method" holds 99, which is not a value of EvidenceMethod"#) == true)
        #expect(refusal(line("staff.registered", #"{"staffId":"s1","roles":[99]}"#))?
            .contains(#""payload.roles[0]" holds 99, which is not a value of StaffRole"#) == true)
        // A number the enumeration has is proto3 JSON, and accepted.
        #expect(refusal(line("assessment.sampled", #"{"sampleId":"SM-1","assessmentId":"AS-1","stage":"INTERIM","outcome":1}"#)) == nil)
    }

    @Test func aValueOfTheWrongShapeIsRefusedNamingItsField() {
        #expect(refusal(line("evidence.assessed", #"{"assessmentId":"AS-1","evidenceId":"EV-1","decisions":{"criterion":"1.1"}}"#))
            == #"payload of evidence.assessed: "payload.decisions" has a value of the wrong type or shape"#)
        #expect(refusal(line("evidence.assessed", #"{"assessmentId":"AS-1","evidenceId":"EV-1","decisions":[{"outcome":"MAYBE"}]}"#))
            == #"payload of evidence.assessed: "payload.decisions[0].outcome" is not one of its enumeration's names"#)
        #expect(refusal(line("evidence.assessed", #"{"assessmentId":"AS-1","evidenceId":"EV-1","decisions":[{"criterion":"1.1","colour":1}]}"#))
            == #"payload of evidence.assessed: "payload.decisions[0]" has an unknown field "colour""#)
        #expect(refusal(line("learner.withdrawn", #"{"learnerId":"L1","reason":"r","why":1}"#))
            == #"payload of learner.withdrawn: unknown field "why""#)
    }

    @Test func theActorsRoleMustBeARole() {
        let envelope = #""actor":{"id":"admin-1","role":"grand_poobah"},"occurredAt":"2026-03-02T09:30:00Z""#
        #expect(refusal(line("learner.withdrawn", #"{"learnerId":"L1","reason":"r"}"#, envelope: envelope))?
            .hasPrefix(#""actor.role" "grand_poobah" is not a role"#) == true)
    }

    @Test func idsAndTextAreBoundedBeforeTheStoreSeesThem() {
        let sampleID = String(repeating: "S", count: 600)
        #expect(refusal(line("assessment.sampled", #"{"sampleId":"\#(sampleID)","assessmentId":"AS-1","stage":"INTERIM","outcome":"AGREED"}"#))
            == #""payload.sampleId" is 600 bytes long; a reference is at most 128"#)
        let mediaType = String(repeating: "m", count: 300)
        #expect(refusal(line("evidence.submitted", #"{"evidenceId":"EV-1","artefact":{"mediaType":"\#(mediaType)"}}"#))
            == #""payload.artefact.mediaType" is 300 bytes long; a media type is at most 255"#)
        let feedback = String(repeating: "f", count: 8193)
        #expect(refusal(line("evidence.assessed", #"{"assessmentId":"AS-1","evidenceId":"EV-1","feedback":"\#(feedback)"}"#))
            == #""payload.feedback" is 8193 bytes long; free text is at most 8192"#)
        let criteria = (0...200).map { #""\#($0)""# }.joined(separator: ",")
        #expect(refusal(line("evidence.submitted", #"{"evidenceId":"EV-1","criteria":[\#(criteria)]}"#))
            == #""payload.criteria" has more than 200 items"#)
        let actor = String(repeating: "a", count: 10_000)
        let long = refusal(line("learner.withdrawn", #"{"learnerId":"L1","reason":"r"}"#, envelope: #""actor":{"id":"\#(actor)"},"occurredAt":"2026-03-02T09:30:00Z""#))
        #expect(long == #""actor.id" is 10000 bytes long; a reference is at most 128"#)
    }

    @Test func aSpecificationFileIsReadByTheSameRules() throws {
        let centre = try TestCentre()
        let specification = try String(
            contentsOf: Fixtures.directory().appendingPathComponent("specifications/LSILADD09-assess-learner-achievement.json"), encoding: .utf8)
        let twice = specification.replacingOccurrences(of: #""title": "Assess learner achievement","#, with: #""title": "x", "title": "y","#)
        #expect(twice != specification)
        do {
            _ = try centre.store.importSpecification(json: twice, actor: "admin-1")
            Issue.record("a specification with a title given twice was imported")
        } catch {
            #expect("\(error)" == #"the specification has "title" twice"#)
        }
        let badKind = specification.replacingOccurrences(of: #""kind": "OCCUPATIONAL_STANDARD""#, with: #""kind": 9"#)
        #expect(badKind != specification)
        do {
            _ = try centre.store.importSpecification(json: badKind, actor: "admin-1")
            Issue.record("a specification of kind 9 was imported")
        } catch {
            #expect("\(error)" == #"the specification: "kind" holds 9, which is not a value of Specification.Kind; write the value's name"#)
        }
        #expect(try centre.store.log.head().sequence == 0)
    }

    @Test func theFirstEventsRoleIsCheckedLikeAnyOther() throws {
        let centre = try TestCentre()
        var first = Attest_V1_StaffRegistered()
        first.staffID = "admin-1"
        first.roles = [.centreAdministrator]
        var actor = Actor()
        actor.id = "admin-1"
        actor.role = "assessor"
        #expect(centre.refusal(.staffRegistered(first), by: actor)
            == "rule role: actor role assessor is not one of admin-1's roles (centre administrator)")
        actor.role = "centre_administrator"
        #expect(centre.refusal(.staffRegistered(first), by: actor) == nil)
    }
}
