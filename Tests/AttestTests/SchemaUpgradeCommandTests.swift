import AttestTesting
import Foundation
import Testing

/// A store written before schema version 2, upgraded from the command line: reviewed,
/// rebuilt and read.
@Suite struct SchemaUpgradeCommandTests {
    let attest = Command("attest")
    let directory = TemporaryDirectory("upgrade")

    @Test func aDryRunReviewsTheVersion1StoreWithoutChangingAByteThenTheRebuildGivesVersion1sReports() throws {
        let store = try Fixtures.copy("v1/store", into: directory)
        let before = try Fixtures.sha256(ofFile: store + "/data.mdb")

        let stale = try attest.run(["transcript", store, "1000000001", "--json"])
        #expect(stale.status != 0)
        #expect(stale.stderr.contains("`attest rebuild STORE transcripts --dry-run` lists what would change"))

        let review = try attest.run(["rebuild", store, "--dry-run"])
        #expect(review.status == 0)
        #expect(review.stdout == """
            dry run: 252 records replayed in memory; the store was not changed
            transcripts (stored by version 1, rebuilt by version 8): 0 of 7 learners change
            audit (stored by version 1, rebuilt by version 4): 0 figures change

            """)
        let json = try attest.run(["rebuild", store, "transcripts", "--dry-run", "--json"])
        #expect(json.stdout == #"{"learners":7,"records":252,"reports":[{"codeVersion":8,"name":"transcripts","storedVersion":1}],"transcripts":[]}"# + "\n")
        #expect(try Fixtures.sha256(ofFile: store + "/data.mdb") == before, "a dry run changed the store")

        let misuse = try attest.run(["rebuild", store, "--json"])
        #expect(misuse.status != 0)
        #expect(misuse.stderr.contains("--json goes with --dry-run"))

        #expect(try attest.run(["rebuild", store]).status == 0)
        for learner in ["1000000001", "C-0042"] {
            let transcript = try attest.run(["transcript", store, learner, "--json"]).stdout
            #expect(try Fixtures.repeats("transcript-\(learner)", in: Data(transcript.utf8)), "learner \(learner)")
        }
        let audit = try attest.run(["audit", store, "--json", "--as-of", "2027-06-30"]).stdout
        #expect(try Fixtures.repeats("audit", in: Data(audit.utf8)))
        #expect(try attest.run(["verify", store]).status == 0)
    }

    @Test func theLogShowsAVersion1RecordAsItWasStored() throws {
        let store = try Fixtures.copy("v1/store", into: directory)
        let log = try attest.run(["log", store, "--stream", "assessment-AS-1000000001-3", "--json"])
        let first = try #require(log.stdout.split(separator: "\n").first, "the assessment's stream is empty")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        #expect(record["type"] as? String == "evidence.assessed")
        #expect(record["schemaVersion"] as? Int == 1)
        let payload = try #require(record["payload"] as? [String: Any])
        #expect(payload["adjustmentsApplied"] as? [String] == ["RA-1000000001-1"], "version 1 kept adjustments for the whole decision")
    }
}
