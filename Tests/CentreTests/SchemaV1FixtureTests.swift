import AttestTesting
import Assessment
import Centre
import EventLog
import Foundation
import Projections
import Testing

/// The store in Tests/Fixtures/v1, written by the code before any schema had a second
/// version (Tests/Fixtures/make-v1-fixtures.sh), read by this code.
@Suite struct SchemaV1FixtureTests {
    let directory = TemporaryDirectory("fixture")
    /// The date the fixture's audit was taken for: the end of 2027-06-30, UTC.
    static let auditDate = Date(timeIntervalSince1970: 1_814_399_999.999999)

    /// Whether `report` says all that version 1 reported (see `Fixtures.repeats`).
    static func repeats(_ name: String, in report: some Encodable) throws -> Bool {
        try Fixtures.repeats(name, in: JSONEncoder().encode(report))
    }

    static var learners: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.directory().appendingPathComponent("v1/expected").path)) ?? []
        return files.filter { $0.hasPrefix("transcript-") }.map { String($0.dropFirst("transcript-".count).dropLast(".json".count)) }.sorted()
    }

    @Test func theStoreHoldsVersion1RecordsAndVerifies() throws {
        let store = try CentreStore(openingAt: Fixtures.copy("v1/store", into: directory), projections: CentreStore.reports)
        let report = try store.log.verify()
        #expect(report.records == 252)
        #expect(store.timeZone.identifier == "Europe/London", "a store from before stores recorded their time zone")
        var versions: [String: Set<UInt32>] = [:]
        try store.log.read { versions[$0.record.eventType, default: []].insert($0.record.schemaVersion); return true }
        #expect(versions["evidence.assessed"] == [1])
        #expect(versions["learner.registered"] == [1])
        #expect(try store.projectionVersions().map(\.stored) == [1, 1], "the reports were built by version 1 of their code")
    }

    @Test func rebuiltItsReportsAreTheOnesVersion1Gave() throws {
        let store = try CentreStore(openingAt: Fixtures.copy("v1/store", into: directory), projections: CentreStore.reports)
        #expect(Self.learners.count == 7)
        #expect(throws: StaleProjection.self) { try store.transcripts() }
        try store.rebuild()
        let transcripts = try store.transcripts()
        #expect(transcripts.map(\.learner) == Self.learners)
        for transcript in transcripts {
            #expect(try Self.repeats("transcript-\(transcript.learner)", in: transcript), "learner \(transcript.learner)")
        }
        #expect(try Self.repeats("audit", in: store.audit(on: Self.auditDate)))
    }

    @Test func replayedInMemoryThroughTheRulesTheyAreTheSameToo() throws {
        let store = try CentreStore(openingAt: Fixtures.copy("v1/store", into: directory), projections: CentreStore.reports)
        let head = AsOf.sequence(try store.log.head().sequence)
        let transcripts = try store.transcripts(asOf: head)
        #expect(transcripts.count == Self.learners.count)
        for transcript in transcripts {
            #expect(try Self.repeats("transcript-\(transcript.learner)", in: transcript), "learner \(transcript.learner)")
        }
        #expect(try Self.repeats("audit", in: store.audit(on: Self.auditDate, asOf: head)))
    }

    @Test func aDryRunFindsNothingToChangeAndChangesNoByte() throws {
        let path = try Fixtures.copy("v1/store", into: directory)
        let before = try Fixtures.sha256(ofFile: path + "/data.mdb")
        let store = try CentreStore(openingAt: path, projections: CentreStore.reports)
        let review = try store.reviewRebuild(auditOn: Self.auditDate)
        #expect(review.changesNothing)
        #expect(review.learners == 7 && review.records == 252)
        #expect(review.reports.map(\.storedVersion) == [1, 1])
        #expect(try Fixtures.sha256(ofFile: path + "/data.mdb") == before)
    }

    /// The rules' state of a store from before the rules kept each learner's progress is
    /// rebuilt from the log at its first append: each certificate claim then meets the
    /// verdict the learner's transcript gives.
    @Test func itsFirstAppendRebuildsWhatTheRulesRememberAndClaimsMeetTheTranscripts() throws {
        let store = try CentreStore(openingAt: Fixtures.copy("v1/store", into: directory), projections: CentreStore.reports)
        try store.rebuild()
        var admin = Actor()
        try store.log.read { admin = $0.record.actor; return false }  // the first administrator
        for transcript in try store.transcripts() {
            let expected: String? =
                transcript.status == "withdrawn" ? "rule learner-withdrawn: learner \(transcript.learner) has withdrawn"
                : transcript.status == "certificated" ? "rule certificate-once: a certificate is already claimed for learner \(transcript.learner)"
                : !transcript.shortfalls.isEmpty
                ? "rule certificate-earned: learner \(transcript.learner) has not completed \(transcript.qualification) version \(transcript.specificationVersion): \(transcript.shortfalls.joined(separator: ", "))"
                : transcript.samples.contains(where: { $0.stage == "summative" && $0.outcome == "agreed" }) ? nil : "rule certificate-earned"
            let claim = try CentreEvent(.certificateClaimed(.with { $0.learnerID = transcript.learner }), actor: admin, occurredAt: Date())
            do {
                try store.append([claim])
                #expect(expected == nil, "learner \(transcript.learner)'s claim was accepted")
            } catch let refusal as BatchRefusal {
                #expect(refusal.reason.hasPrefix(try #require(expected)), "learner \(transcript.learner)")
            }
        }
    }

    /// A learner of a store from before personal fields were sealed has no data key: the
    /// first record about them with a personal field, naming them only through an
    /// assessment, makes one and is sealed under it.
    @Test func aSampleOfAnOlderLearnersAssessmentMakesTheirKeyAndIsSealed() throws {
        let store = try CentreStore(openingAt: Fixtures.copy("v1/store", into: directory), projections: CentreStore.reports)
        let keyring = Keyring(store: store.log.environment.path)
        #expect(try !keyring.holds("1000000000"))
        let sample = try CentreEvent(.assessmentSampled(.with {
            $0.sampleID = "S-NEW-1"
            $0.assessmentID = "AS-1000000000-3"
            $0.stage = .interim
            $0.outcome = .agreed
            $0.rationale = "Judgements on 1.1 and 1.2 sound"
        }), actor: Actor.with { $0.id = "iqa-1" }, occurredAt: Date())
        let appended = try store.append([sample])
        #expect(try Keyring(store: store.log.environment.path).holds("1000000000"))
        let record = try #require(try store.log.record(at: appended[0].sequence))
        #expect(record.sealed.map(\.field) == [5])
        let file = try Data(contentsOf: URL(fileURLWithPath: store.log.environment.path + "/data.mdb"))
        #expect(file.range(of: Data("Judgements on 1.1 and 1.2 sound".utf8)) == nil)
        guard case let .assessmentSampled(opened) = try DomainEvent(record: Keyring(store: store.log.environment.path).opened(record)) else {
            Issue.record("record \(appended[0].sequence) is not a sample")
            return
        }
        #expect(opened.rationale == "Judgements on 1.1 and 1.2 sound")
    }
}
