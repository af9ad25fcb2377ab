import AttestTesting
import Foundation
import Testing

/// The example program of docs/embedding.md, run as an embedder would run it.
@Suite struct EmbeddingExampleTests {
    @Test func theExampleRecordsATranscriptAndHearsWhichRuleRefusedTheClaim() throws {
        let directory = TemporaryDirectory("example")
        let store = directory.child("centre.store")
        let run = try Command("attest-example").run([store])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("recorded 7 events in \(store)"), "\(run.stdout)")
        #expect(run.stdout.contains(#""sequence":7,"stream":"assessment-AS-1","streamVersion":1,"type":"evidence.assessed"}"#), "\(run.stdout)")
        #expect(run.stdout.contains(#""feedback":"Observed in full.""#), "\(run.stdout)")
        #expect(run.stdout.contains("claim refused by rule certificate-earned: "), "\(run.stdout)")
        #expect(run.stdout.contains("transcript of C-0042: unit "), "\(run.stdout)")
        #expect(run.stdout.contains(" achieved\n"), "\(run.stdout)")
        // What the program wrote is a store the command-line tool reads and verifies.
        let verified = try Command("attest").run(["verify", store])
        #expect(verified.status == 0 && verified.stdout.hasPrefix("verified 7 records\n"), "\(verified.stderr)")
    }
}
