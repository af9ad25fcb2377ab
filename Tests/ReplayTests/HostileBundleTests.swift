import AttestTesting
import Centre
import Checkpoints
import Foundation
import Testing

/// A dishonest centre's bundles, through `attest-replay` as an EQA runs it: every one gives
/// exit 1 with the file and place named (exit 2 only where the EQA's own input is at
/// fault), never a usage text, within seconds and a bounded amount of memory.
@Suite(.serialized) struct HostileBundleTests {
    static let fixture = Result { try ReplayFixture() }
    var fixture: ReplayFixture { get throws { try Self.fixture.get() } }
    let replay = Command(absolute: "/usr/bin/timeout")
    let executable = Command("attest-replay").executable.path

    /// What one run of `attest-replay --json` gave, measured by GNU time.
    struct Run {
        let status: Int32
        let report: [String: Any]
        let stderr: String
        let seconds: Double
        let maxResidentKiB: Int

        var breach: [String: Any] { report["breach"] as? [String: Any] ?? [:] }
        var kind: String? { breach["kind"] as? String }
        var detail: String { breach["detail"] as? String ?? "" }
    }

    private func run(_ source: String, _ extra: [String] = []) throws -> Run {
        let key = try fixture.keyFile()
        let started = Date()
        // At most 60 s: a run that would hang is killed, and its status (124) fails the test.
        let result = try replay.run(["60", "/usr/bin/time", "-f", "maxrss %M", executable, source, "--key", key, "--json"] + extra)
        let seconds = Date().timeIntervalSince(started)
        let rss = result.stderr.split(separator: "\n").last { $0.hasPrefix("maxrss ") }.flatMap { Int($0.dropFirst(7)) } ?? .max
        let report = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        #expect(!result.stdout.contains("Usage:") && !result.stderr.contains("Usage:"), "\(result.stdout)\(result.stderr)")
        return Run(status: result.status, report: report, stderr: result.stderr, seconds: seconds, maxResidentKiB: rss)
    }

    /// Expects exit 1, a breach of `kind` naming `file` and saying `words`, within 10 s and 256 MiB.
    private func expectBreach(_ run: Run, _ kind: String, file: String?, _ words: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status == 1, "\(run.report) \(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.kind == kind, "\(run.breach)", sourceLocation: sourceLocation)
        #expect(run.breach["file"] as? String == file, "\(run.breach)", sourceLocation: sourceLocation)
        #expect(run.detail.contains(words), "\(run.detail)", sourceLocation: sourceLocation)
        #expect(run.seconds < 10, "\(run.seconds) s", sourceLocation: sourceLocation)
        #expect(run.maxResidentKiB < 256 << 10, "\(run.maxResidentKiB) KiB", sourceLocation: sourceLocation)
    }

    private func write(_ text: String, to path: String) throws {
        try FileManager.default.removeItem(atPath: path)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    private func manifest(_ bundle: String, _ change: (inout [String: Any]) -> Void) throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle + "/bundle.json"))) as? [String: Any])
        change(&object)
        try FileManager.default.removeItem(atPath: bundle + "/bundle.json")
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: bundle + "/bundle.json"))
    }

    // MARK: The manifest

    @Test func aTreeSizeThatIsNotTheCheckpointsIsRefusedEitherWay() throws {
        let size = try fixture.checkpoint.checkpoint.size
        for (name, treeSize) in [("store-smaller", size - 7), ("store-larger", size + 7)] {
            let bundle = try fixture.bundle(name)
            try manifest(bundle) { $0["treeSize"] = treeSize; $0["records"] = treeSize }
            expectBreach(try run(bundle), "malformed", file: "bundle.json", "treeSize is \(treeSize) but the signed checkpoint covers \(size)")
        }
        for (name, treeSize) in [("learner-smaller", size - 7), ("learner-larger", size + 7)] {
            let bundle = try fixture.learnerBundle(name)
            try manifest(bundle) { $0["treeSize"] = treeSize }
            expectBreach(try run(bundle), "malformed", file: "bundle.json", "treeSize is \(treeSize)")
        }
    }

    @Test func aStoreBundleWhoseRecordCountIsNotTheCheckpointsIsRefused() throws {
        let bundle = try fixture.bundle("count")
        try manifest(bundle) { $0["records"] = 3 }
        expectBreach(try run(bundle), "malformed", file: "bundle.json", "records is 3")
    }

    @Test func aGarbageManifestIsTheCentresBreach() throws {
        let bundle = try fixture.bundle("garbage-manifest")
        try write("{\"format\": 7, ", to: bundle + "/bundle.json")
        expectBreach(try run(bundle), "malformed", file: "bundle.json", "not a bundle manifest")
    }

    // MARK: The checkpoint and key

    @Test func signatureLinesCountWhateverTheirOrder() throws {
        let fixture = try fixture
        let genuine = fixture.checkpoint.encoded
        let signatureLine = try #require(genuine.split(separator: "\n").last.map(String.init))
        // The right key name and key hash, with a signature of zeros.
        let hash = Data(signatureLine.split(separator: " ")[2].utf8)
        let keyHash = try #require(Data(base64Encoded: hash)).prefix(4)
        let bogus = "\u{2014} centre.test \((keyHash + Data(count: 64)).base64EncodedString())"
        let body = String(genuine.dropLast(signatureLine.count + 1))
        for (name, note) in [("bogus-first", body + bogus + "\n" + signatureLine + "\n"), ("bogus-last", body + signatureLine + "\n" + bogus + "\n")] {
            let bundle = try fixture.bundle(name)
            try write(note, to: bundle + "/checkpoint")
            expectBreach(try run(bundle), "signature", file: nil, "does not verify")
        }
        // A line by a key the EQA does not hold is ignored.
        let other = try SigningKey(generatingFor: "witness.example")
        let cosigned = try SignedNote(signing: fixture.checkpoint.checkpoint.text, with: other).encoded
        let bundle = try fixture.bundle("unknown-key-line")
        try write(genuine + String(cosigned.split(separator: "\n").last!) + "\n", to: bundle + "/checkpoint")
        let clean = try run(bundle)
        #expect(clean.status == 0, "\(clean.report)")
    }

    @Test func aBundleKeyThatDiffersFromTheEQAsIsReported() throws {
        let bundle = try fixture.bundle("other-key")
        let other = try SigningKey(generatingFor: "centre.test").verifierKey
        try write(other.description + "\n", to: bundle + "/key")
        let result = try run(bundle)
        #expect(result.status == 0)
        let warnings = try #require(result.report["warnings"] as? [String])
        #expect(warnings.count == 1 && warnings[0].contains("the bundle's key file holds \(other)"), "\(warnings)")
    }

    @Test func garbageCheckpointsAndKeysAreTheCentresBreach() throws {
        for (file, text, words) in [
            ("checkpoint", "centre.test\n12\nnot base64\n\n\u{2014} centre.test AAAA\n", "not a signed checkpoint"),
            ("checkpoint", "\u{FF}\u{FE}garbage", "not a signed checkpoint"),
            ("key", "centre.test+zzzz+AAAA\n", "not a verifier key"),
        ] {
            let bundle = try fixture.bundle("garbage-\(file)-\(text.count)")
            try write(text, to: bundle + "/" + file)
            expectBreach(try run(bundle), "malformed", file: file, words)
        }
    }

    @Test func aThreeGigabyteCheckpointIsRefusedUnread() throws {
        let bundle = try fixture.bundle("huge-checkpoint")
        let path = bundle + "/checkpoint"
        try FileManager.default.removeItem(atPath: path)
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        #expect(truncate(path, 3 << 30) == 0)
        let result = try run(bundle)
        expectBreach(result, "malformed", file: "checkpoint", "holds 3221225472 bytes")
        #expect(result.seconds < 5)
    }

    @Test func aStoreWhoseCheckpointIsGarbageIsTheCentresBreach() throws {
        let fixture = try fixture
        let copy = try fixture.copy("garbage-checkpoint.store")
        try ReplayFixture.withLog(copy) { environment, _ in
            let checkpoints = try environment.openDatabase("checkpoints")
            try environment.write { txn in try txn.put(checkpoints, key: ReplayFixture.key(1), value: Array("garbage".utf8)) }
        }
        expectBreach(try run(copy), "malformed", file: nil, "the store's latest checkpoint is not a signed checkpoint")
    }

    // MARK: Records and proofs

    @Test func recordsThatAreNotAPlainFileInTheBundleAreRefused() throws {
        let fifo = try fixture.bundle("fifo")
        try FileManager.default.removeItem(atPath: fifo + "/records")
        #expect(mkfifo(fifo + "/records", 0o600) == 0)
        expectBreach(try run(fifo), "malformed", file: "records", "not a plain file")

        for (name, target) in [("urandom", "/dev/urandom"), ("outside", try fixture.keyFile())] {
            let bundle = try fixture.bundle("symlink-\(name)")
            try FileManager.default.removeItem(atPath: bundle + "/records")
            try FileManager.default.createSymbolicLink(atPath: bundle + "/records", withDestinationPath: target)
            expectBreach(try run(bundle), "malformed", file: "records", "symbolic link")
        }
    }

    @Test func truncatedRecordsExtraBytesAndAHugeLengthAreLocated() throws {
        let fixture = try fixture
        let clean = try ReplayFixture.bundleRecords(fixture.bundle("records-source"))
        let cases: [(String, [[UInt8]], [UInt8], String)] = [
            ("truncated", Array(clean.dropLast(2)), [], "records were removed"),
            ("trailing", clean, [0x00, 0x00], "ends inside the length of record"),
            ("huge-length", Array(clean.prefix(3)), [0xFF, 0xFF, 0xFF, 0xFF], "a record has at most"),
        ]
        for (name, records, trailing, words) in cases {
            let bundle = try fixture.bundle(name)
            try ReplayFixture.writeBundleRecords(bundle, records, trailing: trailing)
            let result = try run(bundle)
            #expect(result.status == 1 && result.kind == "integrity", "\(name): \(result.breach)")
            #expect(result.detail.contains(words), "\(name): \(result.detail)")
        }
    }

    @Test func garbageProofsAreNamedByLine() throws {
        let fixture = try fixture
        for (name, change, words) in [
            ("proof-hex", { (lines: inout [String]) in lines[1] = lines[1].prefix(20) + "zz" + lines[1].dropFirst(22) }, "line 2: "),
            ("proof-sequence", { (lines: inout [String]) in lines[0] = "x" + lines[0] }, "line 1: the sequence"),
            ("proof-blank", { (lines: inout [String]) in lines.insert("", at: 2) }, "line 3 is empty"),
            ("proof-long", { (lines: inout [String]) in lines[0] += String(repeating: " " + String(repeating: "a", count: 64), count: 80) }, "line 1 is longer"),
        ] as [(String, (inout [String]) -> Void, String)] {
            let bundle = try fixture.learnerBundle(name)
            var lines = try String(contentsOfFile: bundle + "/proofs", encoding: .utf8).split(separator: "\n").map(String.init)
            change(&lines)
            try write(lines.joined(separator: "\n") + "\n", to: bundle + "/proofs")
            expectBreach(try run(bundle), "malformed", file: "proofs", words)
        }
        let unterminated = try fixture.learnerBundle("proof-unterminated")
        let text = try String(contentsOfFile: unterminated + "/proofs", encoding: .utf8)
        try write(String(text.dropLast()), to: unterminated + "/proofs")
        expectBreach(try run(unterminated), "malformed", file: "proofs", "does not end in a newline")
    }

    @Test func garbageReportDigestsAreNamedByLine() throws {
        let bundle = try fixture.bundle("garbage-reports")
        var lines = try String(contentsOfFile: bundle + "/reports", encoding: .utf8).split(separator: "\n").map(String.init)
        lines[4] = "transcripts nothex learner/1"
        try write(lines.joined(separator: "\n") + "\n", to: bundle + "/reports")
        expectBreach(try run(bundle), "malformed", file: "reports", "line 5: a reports line is")
    }

    // MARK: Omission and forks

    @Test func aLearnerBundleWithARecordOmittedIsCaughtWithItsSequence() throws {
        let bundle = try fixture.learnerBundle("omitted")
        let omitted = try ReplayFixture.withhold(bundle, at: 2)
        let result = try run(bundle)
        expectBreach(result, "integrity", file: "records", "record \(omitted) of learner L000003 is not in the bundle")
        #expect(result.breach["sequence"] as? Int == Int(omitted))
    }

    @Test func aLearnerBundleOfAForkedHistoryIsCaughtSinceTheKeptCheckpoint() throws {
        let fixture = try fixture
        let forked = try fixture.copy("fork.store")
        try fixture.forge(forked, from: 5) { $0.occurredAtMicros += 1 }
        _ = try fixture.signCheckpoint(forked)
        let bundle = fixture.directory.child("fork-learner")
        _ = try CentreStore(openingAt: forked, projections: CentreStore.reports).exportBundle(to: bundle, learner: "L000003", key: fixture.key.verifierKey)
        let kept = fixture.directory.child("kept.checkpoint")
        try fixture.checkpoint.encoded.write(toFile: kept, atomically: true, encoding: .utf8)
        expectBreach(try run(bundle, ["--since-checkpoint", kept]), "consistency", file: nil, "rewritten")
    }

    // MARK: The fuzz corpus, through the executable

    @Test func everyBundleOfTheFuzzCorpusExitsZeroOrOne() throws {
        let tools = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tools/Fuzz")
        let run = try Command(absolute: "/usr/bin/python3").run([
            tools.appendingPathComponent("bundle-exit-codes.py").path, executable, tools.appendingPathComponent("corpus/bundle").path, "--json",
        ])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let statuses = try #require(result["statuses"] as? [String: Int])
        #expect(Set(statuses.keys).isSubset(of: ["0", "1"]) && (statuses["1"] ?? 0) > 0, "\(statuses)")
    }

    // MARK: The EQA's own input

    @Test func theEQAsOwnMistakesAreExitTwoWithoutUsage() throws {
        let missing = try run(try fixture.directory.child("no-such-bundle"))
        #expect(missing.status == 2 && missing.stderr.contains("is neither a store"))
        let bundle = try fixture.bundle("unreadable-by-eqa")
        let garbageKey = try fixture.directory.child("garbage.pub")
        try "garbage\n".write(toFile: garbageKey, atomically: true, encoding: .utf8)
        let result = try Command("attest-replay").run([bundle, "--key", garbageKey])
        #expect(result.status == 2 && result.stderr.contains("--key"), "\(result.stderr)")
    }
}
