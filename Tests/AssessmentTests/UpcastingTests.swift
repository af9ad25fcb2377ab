import AttestTesting
import Assessment
import Centre
import EventLog
import Foundation
import Records
import SwiftProtobuf
import Testing

/// Stored payloads of every schema version read as the current shape.
@Suite struct UpcastingTests {
    typealias C = TestCentre

    @Test func everyStorableVersionHasAPathToTheCurrentOne() throws {
        for type in EventType.allCases {
            #expect(type.currentVersion >= 1)
            for version in 1...type.currentVersion {
                let stored = try #require(Upcasters.storedType(type, version: version), "\(type.rawValue) v\(version) has no message")
                // An empty message of that version upcasts, step by step, to the current message.
                let current = try Upcasters.upcast(stored.init(), of: type, from: version)
                #expect(Swift.type(of: current) == type.payloadType, "\(type.rawValue) v\(version) does not reach v\(type.currentVersion)")
            }
            #expect(Upcasters.storedType(type, version: 0) == nil)
            #expect(Upcasters.storedType(type, version: type.currentVersion + 1) == nil)
        }
        // Every registered step is of a version before the current one, and only one per version.
        for step in Upcasters.all {
            #expect(step.from >= 1 && step.from < step.type.currentVersion, "\(step.type.rawValue) has a step from \(step.from)")
        }
        #expect(Set(Upcasters.all.map { "\($0.type.rawValue)@\($0.from)" }).count == Upcasters.all.count)
    }

    @Test func aVersion1AssessmentReadsWithTheEvidencesMethodAndItsAdjustmentsOnEachCriterion() throws {
        let old = Attest_V1_EvidenceAssessedV1.with {
            $0.assessmentID = "AS-1"; $0.evidenceID = "EV-1"; $0.feedback = "Clear."
            $0.decisions = [.with { $0.criterion = "1.1"; $0.outcome = .met }, .with { $0.criterion = "1.2"; $0.outcome = .notYetMet }]
            $0.adjustmentsApplied = ["RA-1", "RA-2"]
        }
        let event = try DomainEvent(type: .evidenceAssessed, version: 1, binary: old.serializedData())
        guard case let .evidenceAssessed(current) = event else { Issue.record("not an assessment: \(event)"); return }
        #expect(current.assessmentID == "AS-1" && current.evidenceID == "EV-1" && current.feedback == "Clear.")
        #expect(current.decisions.map(\.criterion) == ["1.1", "1.2"])
        #expect(current.decisions.map(\.outcome) == [.met, .notYetMet])
        #expect(current.decisions.allSatisfy { $0.method == .unspecified && $0.adjustmentsApplied == ["RA-1", "RA-2"] })
    }

    @Test func aVersion1RegistrationReadsWithNoULN() throws {
        let old = Attest_V1_LearnerRegisteredV1.with {
            $0.learnerID = "1234567890"; $0.qualification = "603/4767/3"; $0.specificationVersion = 1
            $0.dateOfBirth = "2001-04-30"; $0.assessor = "a1"; $0.internalQualityAssurer = "i1"
        }
        guard case let .learnerRegistered(current) = try DomainEvent(type: .learnerRegistered, version: 1, binary: old.serializedData())
        else { Issue.record("not a registration"); return }
        #expect(current.learnerID == "1234567890" && current.dateOfBirth == "2001-04-30" && current.internalQualityAssurer == "i1")
        #expect(current.uln == "")
    }

    @Test func aVersion2RegistrationReadsWithNoNames() throws {
        let old = Attest_V1_LearnerRegisteredV2.with {
            $0.learnerID = "C-7"; $0.qualification = "603/4767/3"; $0.specificationVersion = 1
            $0.dateOfBirth = "2001-04-30"; $0.assessor = "a1"; $0.internalQualityAssurer = "i1"; $0.uln = "1234567890"
        }
        guard case let .learnerRegistered(current) = try DomainEvent(type: .learnerRegistered, version: 2, binary: old.serializedData())
        else { Issue.record("not a registration"); return }
        #expect(current.learnerID == "C-7" && current.uln == "1234567890")
        #expect(current.givenName == "" && current.familyName == "")
    }

    /// A step that only adds fields reads every old field by its number: what it gives is
    /// what the old message says, field by field by name.
    @Test func aWidenedVersionKeepsEveryFieldOfTheOldOne() throws {
        let evidence = Attest_V1_EvidenceSubmittedV1.with {
            $0.evidenceID = "EV-1"; $0.learnerID = "L1"; $0.unit = "A/506/2130"; $0.method = .witnessTestimony
            $0.criteria = ["1.1", "1.2"]; $0.witness = "line-manager-3"
            $0.artefact = .with { $0.sha256 = String(repeating: "ab", count: 32); $0.mediaType = "application/pdf"; $0.sizeBytes = 20480 }
        }
        guard case let .evidenceSubmitted(current) = try DomainEvent(type: .evidenceSubmitted, version: 1, binary: evidence.serializedData())
        else { Issue.record("not evidence"); return }
        #expect(current == (try Attest_V1_EvidenceSubmitted(jsonString: evidence.jsonString())))
        #expect(current.assessor == "" && current.simulationID == "")
    }

    @Test func aVersionTheTypeNeverHadIsNamed() throws {
        #expect(throws: PayloadError.self) { try DomainEvent(type: .evidenceAssessed, version: 3, binary: Data()) }
        do { _ = try DomainEvent(type: .staffRegistered, version: 2, binary: Data()) } catch let error as PayloadError {
            #expect(error.description == "staff.registered has no schema version 2; this code reads version 1")
        }
    }

    @Test func anOlderVersionInTheInputIsStoredAsGivenAndUpcastWhenRead() throws {
        let centre = try C.standard()
        try centre.record(.evidenceSubmitted(C.evidence("E1")), by: "a2")
        let line = #"{"type":"evidence.assessed","schemaVersion":1,"actor":{"id":"a1"},"occurredAt":"2025-01-07T09:00:00Z","payload":{"assessmentId":"AS1","evidenceId":"E1","decisions":[{"criterion":"1.1","outcome":"MET"}],"feedback":"ok"}}"#
        try centre.store.append(ndjson: line)
        var record: Record?
        try centre.store.log.read(from: centre.store.log.head().sequence) { record = $0.record; return false }
        let stored = try #require(record)
        #expect(stored.schemaVersion == 1)
        #expect(try Attest_V1_EvidenceAssessedV1(serializedBytes: stored.payload).decisions.map(\.criterion) == ["1.1"])
        guard case let .evidenceAssessed(current) = try DomainEvent(record: stored) else { Issue.record("not an assessment"); return }
        #expect(current.decisions.map(\.criterion) == ["1.1"])

        // The schemaVersion may come after the payload, even one holding a field only version 1 has.
        let versionLast = #"{"type":"evidence.assessed","actor":{"id":"a1"},"occurredAt":"2025-01-07T09:00:00Z","payload":{"assessmentId":"AS3","evidenceId":"E1","decisions":[{"criterion":"1.1","outcome":"MET"}],"adjustmentsApplied":[]},"schemaVersion":1}"#
        try centre.store.append(ndjson: versionLast)
        try centre.store.log.read(from: centre.store.log.head().sequence) { record = $0.record; return false }
        #expect(record?.schemaVersion == 1)
        #expect(try Attest_V1_EvidenceAssessedV1(serializedBytes: try #require(record).payload).assessmentID == "AS3")

        // A version-2 shape under version 1, and a version the type never had, are refused by name.
        let v2Shape = line.replacingOccurrences(of: #""feedback":"ok""#, with: #""feedback":"ok","extra":1"#)
            .replacingOccurrences(of: "AS1", with: "AS2")
        #expect(throws: LineRefusal.self) { try centre.store.append(ndjson: v2Shape) }
        do { try centre.store.append(ndjson: v2Shape) } catch let refusal as LineRefusal {
            #expect(refusal.description == #"line 1: payload of evidence.assessed version 1: unknown field "extra"; nothing was appended"#)
        }
        let v3 = line.replacingOccurrences(of: #""schemaVersion":1"#, with: #""schemaVersion":3"#)
        do { try centre.store.append(ndjson: v3); Issue.record("version 3 was accepted") } catch let refusal as LineRefusal {
            #expect(refusal.description == "line 1: evidence.assessed has schema versions 1 to 2, not 3; nothing was appended")
        }
    }

    @Test func aULNIsTenDigitsAndOneLearnersOnly() throws {
        let centre = try C.standard()
        var learner = C.learner("L2")
        learner.uln = "123456789"
        #expect(centre.refusal(.learnerRegistered(learner), by: "admin")
            == "rule well-formed: uln 123456789 of learner L2 is not a unique learner number (10 digits, the first not 0)")
        learner.uln = "0123456789"
        #expect(centre.refusal(.learnerRegistered(learner), by: "admin") != nil)
        learner.uln = "1234567890"
        #expect(centre.refusal(.learnerRegistered(learner), by: "admin") == nil)
        var other = C.learner("L3")
        other.uln = "1234567890"
        #expect(centre.refusal(.learnerRegistered(other), by: "admin") == "rule uln-unique: ULN 1234567890 of learner L3 is already learner L2's")
    }

    @Test func aLearnersReferenceIsNotTheirULN() throws {
        let centre = try C.standard()
        var learner = C.learner("1234567890")
        learner.uln = "1234567890"
        #expect(centre.refusal(.learnerRegistered(learner), by: "admin")
            == "rule learner-pseudonymous: learner 1234567890 is registered under their ULN; a learner's reference is the centre's own, as it stays in the clear in every record about them")
        learner.learnerID = "C-1"
        #expect(centre.refusal(.learnerRegistered(learner), by: "admin") == nil)
    }

    @Test func aRegistrationNamesTheLearnerFromVersion3AndNamesAreCorrected() throws {
        let centre = try C.standard()
        var unnamed = C.learner("L2")
        unnamed.givenName = " "
        #expect(centre.refusal(.learnerRegistered(unnamed), by: "admin") == "rule well-formed: the registration of learner L2 has no givenName")
        unnamed.givenName = "Ada"
        unnamed.familyName = ""
        #expect(centre.refusal(.learnerRegistered(unnamed), by: "admin") == "rule well-formed: the registration of learner L2 has no familyName")
        // Version 2 did not record names, so a line at version 2 registers a learner without them.
        let v2 = #"{"type":"learner.registered","schemaVersion":2,"actor":{"id":"admin"},"occurredAt":"2025-01-06T10:00:00Z","payload":{"learnerId":"L3","qualification":"603/4767/3","specificationVersion":1,"dateOfBirth":"2000-05-17","assessor":"a1","internalQualityAssurer":"i1"}}"#
        try centre.store.append(ndjson: v2)

        #expect(centre.refusal(.learnerNameCorrected(.with { $0.learnerID = "L9"; $0.givenName = "A"; $0.familyName = "B" }), by: "admin")
            == "rule learner-registered: learner L9 of the name correction is not registered")
        #expect(centre.refusal(.learnerNameCorrected(.with { $0.learnerID = "L3"; $0.givenName = "Ada" }), by: "admin")
            == "rule well-formed: the name correction of learner L3 has no familyName")
        #expect(centre.refusal(.learnerNameCorrected(.with { $0.learnerID = "L3"; $0.givenName = "Ada"; $0.familyName = "King" }), by: "a1")
            == "rule role: learner.name_corrected may be recorded only by centre administrator; a1 is assessor")
        try centre.record(.learnerNameCorrected(.with { $0.learnerID = "L3"; $0.givenName = "Ada"; $0.familyName = "King" }), by: "admin")
        try centre.record(.learnerWithdrawn(.with { $0.learnerID = "L1"; $0.reason = "moved" }), by: "admin")
        try centre.record(.learnerNameCorrected(.with { $0.learnerID = "L1"; $0.givenName = "Ada"; $0.familyName = "Lovelace" }), by: "admin")
    }
}
