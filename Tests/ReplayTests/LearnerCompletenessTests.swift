import Assessment
import AttestTesting
import Bundles
import Centre
import Checkpoints
import EventLog
import Foundation
import LMDB
import Merkle
import Projections
import Replay
import Testing

/// A one-learner bundle proves it holds every record of its learner, through each record's
/// link to the learner's previous one and the signed map of learners; withholding a record
/// is caught and named, and so is a history rewritten since the EQA's last visit.
@Suite(.serialized) struct LearnerCompletenessTests {
    static let fixture = Result { try ReplayFixture() }
    var fixture: ReplayFixture { get throws { try Self.fixture.get() } }
    let learner = "L000003"

    /// Appends one more event, of no learner: a centre going on after its checkpoint.
    private func appendAnother(_ centre: CentreStore) throws {
        try centre.append(ndjson: #"{"type":"staff.registered","actor":{"id":"admin-1","role":"centre_administrator"},"occurredAt":"2026-03-02T09:30:00Z","payload":{"staffId":"admin-99","roles":["CENTRE_ADMINISTRATOR"]}}"#)
    }

    @Test func aCleanLearnerBundleProvesItHoldsEveryRecordOfItsLearner() throws {
        let fixture = try fixture
        let report = try Replayer.verify(fixture.learnerBundle("complete", learner: learner), options: fixture.options)
        #expect(report.breach == nil)
        #expect(report.learnersFrom == 1)
        #expect(report.summary.contains("complete     the bundle holds every record of its learner from sequence 1 to \(fixture.checkpoint.checkpoint.size)"))
        #expect(!report.notChecked.contains { $0.contains("every record of learner") })
    }

    @Test func aDroppedRecordIsNamedBySequence() throws {
        let fixture = try fixture
        let bundle = try fixture.learnerBundle("dropped", learner: learner)
        let dropped = try ReplayFixture.withhold(bundle, at: 4)
        let breach = try #require(try Replayer.verify(bundle, options: fixture.options).breach)
        #expect(breach.kind == .integrity && breach.sequence == dropped && breach.learner == learner, "\(breach)")
        #expect(breach.detail.contains("record \(dropped) of learner \(learner) is not in the bundle"), "\(breach)")
    }

    @Test func aWithheldLatestRecordIsNamedBySequence() throws {
        let fixture = try fixture
        let bundle = try fixture.learnerBundle("withheld", learner: learner)
        let count = try ReplayFixture.contents(bundle).records.count
        let latest = try ReplayFixture.withhold(bundle, at: count - 1)
        let breach = try #require(try Replayer.verify(bundle, options: fixture.options).breach)
        #expect(breach.kind == .integrity && breach.sequence == latest, "\(breach)")
        #expect(breach.detail.contains("the learner's latest record, \(latest), is not in the bundle"), "\(breach)")
    }

    @Test func aBundleWithoutItsCompletenessProofOrWithAnotherLearnersEntryIsRefused() throws {
        let fixture = try fixture
        let bare = try fixture.learnerBundle("no-completeness", learner: learner)
        try FileManager.default.removeItem(atPath: bare + "/completeness")
        let missing = try #require(try Replayer.verify(bare, options: fixture.options).breach)
        #expect(missing.kind == .malformed && missing.file == "completeness", "\(missing)")

        let swapped = try fixture.learnerBundle("swapped-completeness", learner: learner)
        let other = try fixture.learnerBundle("other-learner", learner: "L000005")
        try FileManager.default.removeItem(atPath: swapped + "/completeness")
        try FileManager.default.copyItem(atPath: other + "/completeness", toPath: swapped + "/completeness")
        let wrong = try #require(try Replayer.verify(swapped, options: fixture.options).breach)
        #expect(wrong.kind == .integrity && wrong.file == "completeness" && wrong.detail.contains("is not in the map of learners"), "\(wrong)")
    }

    @Test func aForkedHistoryIsCaughtInALearnerBundleSinceTheKeptCheckpoint() throws {
        let fixture = try fixture
        let kept = fixture.checkpoint
        var options = fixture.options
        options.kept = [kept]
        // Rewritten at record 5 and signed again with the centre's own key, at the same size…
        let same = try fixture.copy("forked-same.store")
        try fixture.forge(same, from: 5) { $0.occurredAtMicros += 1 }
        _ = try fixture.signCheckpoint(same)
        let sameBundle = fixture.directory.child("forked-same")
        _ = try CentreStore(openingAt: same, projections: CentreStore.reports).exportBundle(to: sameBundle, learner: learner, key: fixture.key.verifierKey)
        let atSize = try #require(try Replayer.verify(sameBundle, options: options).breach)
        #expect(atSize.kind == .consistency && atSize.detail.contains("rewritten"), "\(atSize)")
        // …and after more records were appended.
        let grown = try fixture.copy("forked-grown.store")
        try fixture.forge(grown, from: 5) { $0.occurredAtMicros += 1 }
        let centre = try CentreStore(openingAt: grown, projections: CentreStore.reports)
        try appendAnother(centre)
        _ = try fixture.signCheckpoint(grown)
        let grownBundle = fixture.directory.child("forked-grown")
        _ = try centre.exportBundle(to: grownBundle, learner: learner, key: fixture.key.verifierKey)
        let later = try #require(try Replayer.verify(grownBundle, options: options).breach)
        #expect(later.kind == .consistency && later.detail.contains("does not extend the checkpoint of \(kept.checkpoint.size) records"), "\(later)")

        // The honest store, grown the same way, extends the kept checkpoint.
        let honest = try fixture.copy("honest-grown.store")
        let honestCentre = try CentreStore(openingAt: honest, projections: CentreStore.reports)
        try appendAnother(honestCentre)
        _ = try fixture.signCheckpoint(honest)
        let honestBundle = fixture.directory.child("honest-grown")
        _ = try honestCentre.exportBundle(to: honestBundle, learner: learner, key: fixture.key.verifierKey)
        let report = try Replayer.verify(honestBundle, options: options)
        #expect(report.breach == nil && report.extends == kept.checkpoint.size, "\(String(describing: report.breach))")
    }

    @Test func aRecordHiddenFromItsLearnersChainIsCaughtByAWholeStoreReplay() throws {
        let fixture = try fixture
        let copy = try fixture.copy("hidden.store")
        let records = try ReplayFixture.records(copy)
        let index = try #require(try records.indices.first { try Record(serializedBytes: records[$0]).learner == learner && $0 > 20 })
        try fixture.forge(copy, from: UInt64(index + 1)) { $0.learner = ""; $0.learnerPrevious = 0 }
        _ = try fixture.signCheckpoint(copy)
        let breach = try #require(try Replayer.verify(copy, options: fixture.options).breach)
        #expect(breach.sequence == UInt64(index + 1) && breach.rule == "record-learner", "\(breach)")
    }

    @Test func aSignedMapThatTheRecordsDoNotGiveIsCaught() throws {
        let fixture = try fixture
        let copy = try fixture.copy("wrong-map.store")
        let head = try EventLog(openingAt: copy).head()
        let signed = fixture.checkpoint.checkpoint
        let map = try #require(signed.learners)
        let wrong = Checkpoint(origin: signed.origin, size: head.sequence, root: head.merkleRoot, time: Date(),
                               learners: LearnerMap(from: map.from, learners: map.learners, root: TreeHash.leaf([1])))
        let note = try SignedCheckpoint(signing: wrong, with: fixture.key)
        let environment = try LMDB.Environment(path: copy)
        let checkpoints = try environment.openDatabase("checkpoints")
        try environment.write { txn in try txn.put(checkpoints, key: ReplayFixture.key(2), value: Array(note.encoded.utf8)) }
        let breach = try #require(try Replayer.verify(copy, options: fixture.options).breach)
        #expect(breach.kind == .integrity && breach.detail.contains("the centre signed a map its records do not give"), "\(breach)")
    }

    @Test func theIndependentPythonCheckAgreesWithTheReplay() throws {
        let fixture = try fixture
        let python = Command(absolute: "/usr/bin/python3")
        let tool = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tools/bundle-root.py").path
        let clean = try fixture.learnerBundle("python-clean", learner: learner)
        let dropped = try fixture.learnerBundle("python-dropped", learner: learner)
        _ = try ReplayFixture.withhold(dropped, at: 3)
        let withheld = try fixture.learnerBundle("python-withheld", learner: learner)
        _ = try ReplayFixture.withhold(withheld, at: try ReplayFixture.contents(withheld).records.count - 1)
        let swapped = try fixture.learnerBundle("python-swapped", learner: learner)
        try FileManager.default.removeItem(atPath: swapped + "/completeness")
        try FileManager.default.copyItem(atPath: try fixture.learnerBundle("python-other", learner: "L000005") + "/completeness",
                                         toPath: swapped + "/completeness")
        for bundle in [clean, dropped, withheld, swapped] {
            let replayed = try Replayer.verify(bundle, options: fixture.options)
            let run = try python.run([tool, bundle, "--json"])
            let checked = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
            #expect((run.status == 0) == (replayed.breach == nil), "\(bundle): \(run.stdout) \(String(describing: replayed.breach))")
            #expect(checked["complete"] as? Bool == (replayed.breach == nil), "\(bundle): \(run.stdout)")
            if let sequence = checked["sequence"] as? Int {
                #expect(UInt64(sequence) == replayed.breach?.sequence, "\(bundle): \(run.stdout) \(String(describing: replayed.breach))")
            }
        }
    }

    @Test func anOlderStoreProvesCompletenessFromWhereItsRecordsAreLinked() throws {
        let directory = TemporaryDirectory("older")
        let path = try Fixtures.copy("v1/store", into: directory)
        let centre = try CentreStore(openingAt: path, projections: CentreStore.reports)
        try centre.append(ndjson: #"{"type":"learner.registered","actor":{"id":"admin-1","role":"centre_administrator"},"occurredAt":"2026-02-02T09:00:00Z","payload":{"learnerId":"C-0099","qualification":"603/4767/3","specificationVersion":1,"dateOfBirth":"2001-02-03","assessor":"assessor-1","internalQualityAssurer":"iqa-1","givenName":"Sam","familyName":"Green"}}"#)
        let key = try SigningKey(generatingFor: "older.test")
        try key.write(to: SigningKey.path(inStore: path))
        let checkpoint = try CheckpointLog(log: centre.log, create: true).record(signedBy: key)
        #expect(checkpoint.checkpoint.learners?.from == 253)
        var options = ReplayOptions()
        options.key = key.verifierKey
        let whole = try Replayer.verify(path, options: options)
        #expect(whole.breach == nil && whole.learnersFrom == 253, "\(String(describing: whole.breach))")

        let linked = directory.child("linked")
        _ = try centre.exportBundle(to: linked, learner: "C-0099", key: key.verifierKey)
        let complete = try Replayer.verify(linked, options: options)
        #expect(complete.breach == nil && complete.summary.contains("from sequence 253"))

        let older = directory.child("older")
        let transcripts = try FileManager.default.contentsOfDirectory(atPath: Fixtures.directory().appendingPathComponent("v1/expected").path)
        let learner = try #require(transcripts.filter { $0.hasPrefix("transcript-") }.sorted().first)
            .dropFirst("transcript-".count).dropLast(".json".count)
        _ = try centre.exportBundle(to: older, learner: String(learner), key: key.verifierKey)
        let unproven = try Replayer.verify(older, options: options)
        #expect(unproven.breach == nil && unproven.learnersFrom == nil)
        #expect(unproven.notChecked.contains { $0.contains("they have none from sequence 253") }, "\(unproven.notChecked)")
    }
}
