import AttestTesting
import Assessment
@testable import Centre
import Foundation
import LMDB
import Records
import Simulation
import Testing

/// A learner's record changed only by evidence submitted is written by inserting the
/// evidence's bytes into the record's: what the rules' state and the transcripts then
/// hold is the record's own encoding, with the evidence last, and after the whole
/// history the same bytes a rebuild, encoding each record afresh, writes.
@Suite struct AppendedEntriesTests {
    @Test func recordsWrittenByInsertingEvidenceAreTheirOwnEncodingAndWhatARebuildWrites() throws {
        let centre = try TestCentre(projections: CentreStore.reports)
        let store = centre.store
        var lines: [String] = []
        try CentreGenerator(learners: 25, seed: 6, specification: centre.specification).generate { lines.append($0) }
        /// The learner's record as the transcripts and the rules' state hold it.
        func stored(_ learner: String) throws -> [[UInt8]] {
            let transcripts = try store.readProjections { try $0.state(of: "transcripts").load("learner/" + learner) }
            let rules = try store.log.environment.read { txn in try txn.withReader { try $0.get(store.state, key: TextKey("progress/" + learner)) } }
            return [try #require(transcripts), try #require(rules)]
        }
        var inserted = 0
        // An event a batch: each piece of evidence submitted is the only change to its learner's record.
        for line in lines {
            try store.append(lines: [line]) { _, _ in }
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard event["type"] as? String == "evidence.submitted", let payload = event["payload"] as? [String: Any],
                  let learner = payload["learnerId"] as? String, let evidence = payload["evidenceId"] as? String else { continue }
            for bytes in try stored(learner) {
                let record = try Attest_V1_LearnerRecord(serializedBytes: bytes)
                #expect(record.evidence.last?.evidenceID == evidence, "\(learner)")
                #expect(try record.stateBytes() == bytes, "\(learner)")
            }
            inserted += 1
        }
        #expect(inserted > 300)
        func records() throws -> [String: [UInt8]] {
            Dictionary(uniqueKeysWithValues: try store.readProjections { try $0.entries(of: "transcripts", prefix: "learner/") }.map { ($0.key, $0.value) })
        }
        let inline = try records()
        try store.rebuild(["transcripts"])
        #expect(inline.count == 25)
        #expect(inline == (try records()))
    }
}
