import Assessment
import AttestTesting
import Bundles
import Checkpoints
import EventLog
import Foundation
import LMDB
import Merkle
import Projections
import Records
import Replay
import Testing

/// Every kind of tampering, in a copy of a store and in a bundle, is detected and located.
@Suite(.serialized) struct TamperTests {
    static let fixture = Result { try ReplayFixture() }
    var fixture: ReplayFixture { get throws { try Self.fixture.get() } }

    private func breach(_ path: String, options: ReplayOptions? = nil) throws -> Breach? {
        try Replayer.verify(path, options: options ?? fixture.options).breach
    }

    // MARK: Clean

    @Test func aCleanStoreAndACleanBundleVerify() throws {
        let fixture = try fixture
        let store = try Replayer.verify(fixture.store, options: fixture.options)
        #expect(store.breach == nil)
        #expect(store.records == fixture.checkpoint.checkpoint.size && store.replayed == store.records)
        #expect(store.reportsCompared > 0 && store.learners == 12 && store.key == "supplied")
        let bundle = try Replayer.verify(fixture.bundle("clean"), options: fixture.options)
        #expect(bundle.breach == nil)
        #expect(bundle.reportsCompared == store.reportsCompared)

        // The state kept in memory instead of in scratch files gives the same result.
        var inMemory = fixture.options
        inMemory.scratchDirectory = nil
        let fromMemory = try Replayer.verify(fixture.store, options: inMemory)
        #expect(fromMemory.breach == nil && fromMemory.reportsCompared == store.reportsCompared)
    }

    // MARK: A copy of the store

    @Test func anAlteredByteInTheStoreIsLocated() throws {
        let copy = try fixture.copy("altered.store")
        try ReplayFixture.withLog(copy) { environment, log in
            try environment.write { txn in
                var bytes = try txn.get(log, key: ReplayFixture.key(40))!
                bytes[try ReplayFixture.payloadEnd(bytes)] ^= 0x01
                try txn.put(log, key: ReplayFixture.key(40), value: bytes)
            }
        }
        let found = try #require(try breach(copy))
        #expect(found.kind == .integrity && found.sequence == 40)
        #expect(found.detail.contains("altered"))
    }

    @Test func aDroppedRecordInTheStoreIsLocated() throws {
        let copy = try fixture.copy("dropped.store")
        try ReplayFixture.withLog(copy) { environment, log in
            try environment.write { txn in _ = try txn.delete(log, key: ReplayFixture.key(55)) }
        }
        let found = try #require(try breach(copy))
        #expect(found.kind == .integrity && found.sequence == 55)
        #expect(found.detail.contains("missing"))
    }

    @Test func reorderedRecordsInTheStoreAreLocated() throws {
        let copy = try fixture.copy("reordered.store")
        var records = try ReplayFixture.records(copy)
        records.swapAt(69, 70)
        try ReplayFixture.rewriteLog(copy, records)
        let found = try #require(try breach(copy))
        #expect(found.kind == .integrity && found.sequence == 70)
        #expect(found.detail.contains("record 71 is stored where 70 should be"))
    }

    @Test func anInsertedRecordInTheStoreIsLocated() throws {
        let copy = try fixture.copy("inserted.store")
        var records = try ReplayFixture.records(copy)
        var forged = try Record(serializedBytes: records[29])
        forged.eventID = Data(repeating: 7, count: 16)
        records.insert(try forged.serializedBytes(), at: 29)
        try ReplayFixture.rewriteLog(copy, records)
        let found = try #require(try breach(copy))
        #expect(found.kind == .integrity && found.sequence == 31)
        #expect(found.detail.contains("says sequence 30 but is stored at 31"))
    }

    @Test func aDuplicatedRecordInTheStoreIsLocated() throws {
        let copy = try fixture.copy("duplicated.store")
        var records = try ReplayFixture.records(copy)
        records.insert(records[14], at: 15)
        try ReplayFixture.rewriteLog(copy, records)
        let found = try #require(try breach(copy))
        #expect(found.kind == .integrity && found.sequence == 16)
    }

    @Test func aTruncatedStoreIsLocatedEvenWithItsHeadRewritten() throws {
        let fixture = try fixture
        let size = fixture.checkpoint.checkpoint.size
        let copy = try fixture.copy("truncated.store")
        var records = try ReplayFixture.records(copy)
        records.removeLast(5)
        try ReplayFixture.rewriteLog(copy, records)
        let found = try #require(try breach(copy))
        #expect(found.kind == .integrity && found.sequence == size - 4)

        // Moving the head and Merkle edge back too leaves the signed checkpoint uncovered.
        let cut = try fixture.copy("truncated-head.store")
        try ReplayFixture.rewriteLog(cut, Array(try ReplayFixture.records(cut).dropLast(5)))
        try fixture.forge(cut, from: size + 1) { _ in }
        let uncovered = try #require(try breach(cut))
        #expect(uncovered.kind == .integrity && uncovered.sequence == size - 4)
        #expect(uncovered.detail.contains("signed checkpoint covers \(size)"))
    }

    @Test func aRewrittenHistoryWithAFreshChainIsCaughtByTheKeptCheckpoint() throws {
        let fixture = try fixture
        let copy = try fixture.copy("forged.store")
        try fixture.forge(copy, from: 100) { $0.correlationID = Data(repeating: 0xAB, count: 16) }
        _ = try fixture.signCheckpoint(copy)
        // Self-consistent and signed by the centre: only the checkpoint kept from before tells.
        #expect(try breach(copy) == nil)
        var options = fixture.options
        options.kept = [fixture.checkpoint]
        let found = try #require(try breach(copy, options: options))
        #expect(found.kind == .consistency && found.sequence == fixture.checkpoint.checkpoint.size)
        #expect(found.detail.contains("rewritten"))
    }

    @Test func twoEQAsCheckpointsOfOneSizeWithDifferentRootsAreASplitView() throws {
        let fixture = try fixture
        let copy = try fixture.copy("split.store")
        try fixture.forge(copy, from: 60) { $0.occurredAtMicros += 1 }
        let other = try fixture.signCheckpoint(copy)
        #expect(other.checkpoint.size == fixture.checkpoint.checkpoint.size)
        var options = fixture.options
        options.kept = [fixture.checkpoint, other]
        let found = try #require(try breach(fixture.store, options: options))
        #expect(found.kind == .consistency && found.sequence == other.checkpoint.size)
        #expect(found.detail.hasPrefix("split view: two checkpoints kept from before, both signed by the centre"), "\(found)")
    }

    @Test func anEditedEventThatBreaksARuleIsNamedWithItsLearner() throws {
        let fixture = try fixture
        let copy = try fixture.copy("edited.store")
        let records = try ReplayFixture.records(copy).map { try Record(serializedBytes: $0) }
        let target = try #require(records.first { $0.eventType == "evidence.assessed" })
        var attribution = LearnerAttribution()
        let expected = try records.prefix(Int(target.sequence)).map { try attribution.learner(of: DomainEvent(record: $0)) }.last ?? nil
        try fixture.forge(copy, from: target.sequence) { $0.actor.id = "intruder" }
        _ = try fixture.signCheckpoint(copy)
        let found = try #require(try breach(copy))
        #expect(found.kind == .rule && found.sequence == target.sequence)
        #expect(found.eventID == target.eventIDText)
        #expect(found.rule != nil && expected != nil && found.learner == expected)
    }

    /// A stored report entry that differs is named with its learner, where it concerns
    /// one, and its first differing figure, whatever its kind.
    @Test(arguments: [
        ("transcripts", "learner/L000003", "L000003", "withdrawn"),
        ("transcripts", "standing/L000003", "L000003", "status"),
        ("audit", "assessor/assessor-1", nil, "decisions"),
    ] as [(String, String, String?, String)])
    func aStoredReportThatDiffersIsNamedByLearnerAndFigure(report: String, key: String, learner: String?, figure: String) throws {
        let copy = try fixture.copy("report-\(key.replacingOccurrences(of: "/", with: "-")).store")
        let environment = try Environment(path: copy)
        let database = try environment.openDatabase(report + ".a")
        try environment.write { txn in
            let bytes = try #require(try txn.get(database, key: Array(key.utf8)))
            let edited: [UInt8]
            switch report + " " + key.prefix { $0 != "/" } {
            case "transcripts learner":
                var record = try Attest_V1_LearnerRecord(serializedBytes: bytes)
                record.withdrawn.toggle()
                edited = try record.serializedBytes()
            case "transcripts standing":
                var standing = try Attest_V1_LearnerStanding(serializedBytes: bytes)
                standing.status += " (edited)"
                edited = try standing.serializedBytes()
            default:
                var activity = try Attest_V1_AssessorActivity(serializedBytes: bytes)
                activity.decisions += 1
                edited = try activity.serializedBytes()
            }
            try txn.put(database, key: Array(key.utf8), value: edited)
        }
        let found = try #require(try breach(copy))
        #expect(found.kind == .report && found.learner == learner)
        #expect(found.report == "\(report) \(key)" && found.figure == figure)
    }

    /// A stored report entry taken away, or one added before, among or after the rebuilt
    /// ones, is named by its key and by the side that lacks it.
    @Test(arguments: [
        ("transcripts", "learner/L000003", false),
        ("transcripts", "a-added", true),
        ("transcripts", "learner/L000003-added", true),
        ("audit", "zz-added", true),
    ] as [(String, String, Bool)])
    func aStoredReportEntryTakenAwayOrAddedIsNamed(report: String, key: String, added: Bool) throws {
        let copy = try fixture.copy("entry-\(report)-\(key.replacingOccurrences(of: "/", with: "-")).store")
        let environment = try Environment(path: copy)
        let database = try environment.openDatabase(report + ".a")
        try environment.write { txn in
            if added {
                try txn.put(database, key: Array(key.utf8), value: [1])
            } else {
                #expect(try txn.delete(database, key: Array(key.utf8)))
            }
        }
        let found = try #require(try breach(copy))
        #expect(found.kind == .report && found.report == "\(report) \(key)")
        #expect(found.detail.contains(added ? "the replayed history does not produce it" : "the store does not keep it"), "\(found.detail)")
    }

    @Test func asOfReplaysTheRulesToAPointAndStillChecksTheWholeLog() throws {
        var options = try fixture.options
        options.asOf = .sequence(100)
        let report = try Replayer.verify(fixture.store, options: options)
        #expect(report.breach == nil && report.asOf == 100 && report.replayed == 100)
        #expect(report.records == (try fixture.checkpoint.checkpoint.size))
    }

    // MARK: A bundle

    @Test func everyChangeToABundlesRecordsIsLocated() throws {
        let fixture = try fixture
        let clean = try ReplayFixture.bundleRecords(fixture.bundle("pristine"))
        let size = clean.count
        var altered = clean
        altered[40][try ReplayFixture.payloadEnd(altered[40])] ^= 0x01
        var dropped = clean
        dropped.remove(at: 54)
        var reordered = clean
        reordered.swapAt(69, 70)
        var duplicated = clean
        duplicated.insert(clean[14], at: 15)
        var last = clean
        last[size - 1][try ReplayFixture.payloadEnd(last[size - 1])] ^= 0x01
        let cases: [(String, [[UInt8]], [UInt8], UInt64, String)] = [
            ("altered", altered, [], 41, "altered"),
            ("dropped", dropped, [], 55, "missing"),
            ("reordered", reordered, [], 70, "record 71 is stored where 70 should be"),
            ("duplicated", duplicated, [], 16, "says sequence 15"),
            ("truncated", Array(clean.dropLast(3)), [], UInt64(size - 2), "removed"),
            ("cut", Array(clean.dropLast()), [0, 0, 1], UInt64(size), "ends inside"),
            ("extended", clean + [clean[3]], [], UInt64(size + 1), ""),
            ("last altered", last, [], UInt64(size), "record \(size) was altered"),
        ]
        for (name, records, trailing, sequence, words) in cases {
            let bundle = try fixture.bundle(name)
            try ReplayFixture.writeBundleRecords(bundle, records, trailing: trailing)
            let found = try #require(try breach(bundle), "\(name)")
            #expect(found.kind == .integrity, "\(name)")
            #expect(found.sequence == sequence, "\(name): \(found)")
            #expect(words.isEmpty || found.detail.contains(words), "\(name): \(found)")
        }
    }

    @Test func aCheckpointSignedWithAnotherKeyIsRefusedAgainstTheKeyTheEQAHolds() throws {
        let fixture = try fixture
        let bundle = try fixture.bundle("swapped")
        let impostor = try SigningKey(generatingFor: "centre.test")
        let resigned = try SignedCheckpoint(signing: fixture.checkpoint.checkpoint, with: impostor)
        try Data(resigned.encoded.utf8).write(to: URL(fileURLWithPath: bundle + "/checkpoint"))
        try Data((impostor.verifierKey.description + "\n").utf8).write(to: URL(fileURLWithPath: bundle + "/key"))
        // The bundle vouches for itself…
        #expect(try breach(bundle, options: ReplayOptions()) == nil)
        // …but not to the key the EQA holds.
        let found = try #require(try breach(bundle))
        #expect(found.kind == .signature)
        #expect(found.detail.contains("not signed by centre.test"))
    }

    @Test func aBundleReportDigestThatDiffersIsNamed() throws {
        let bundle = try fixture.bundle("digest")
        var lines = try String(contentsOfFile: bundle + "/reports", encoding: .utf8).split(separator: "\n").map(String.init)
        let index = try #require(lines.firstIndex { $0.hasSuffix(" learner/L000004") })
        lines[index] = "transcripts " + String(repeating: "0", count: 64) + " learner/L000004"
        try (lines.joined(separator: "\n") + "\n").write(toFile: bundle + "/reports", atomically: true, encoding: .utf8)
        let found = try #require(try breach(bundle))
        #expect(found.kind == .report && found.learner == "L000004")
    }
}
