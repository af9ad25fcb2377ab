import AttestTesting
import Assessment
@testable import Centre
import Foundation
import LMDB
import Records
import Simulation
import Testing

/// Evidence submitted, the event centres record most, is kept beside its learner's record
/// and leaves the record as it is, in the rules' state and in the transcripts; a
/// withdrawal marks the decisions on it; and what an append keeps is what a rebuild writes.
@Suite struct EvidenceBesideRecordTests {
    @Test func evidenceSubmittedLeavesTheRecordAsItIsAndARebuildWritesTheSame() throws {
        let centre = try TestCentre(projections: CentreStore.reports)
        let store = centre.store
        var lines: [String] = []
        try CentreGenerator(learners: 25, seed: 6, specification: centre.specification).generate { lines.append($0) }
        /// The learner's record as the transcripts and the rules' state hold it.
        func records(_ learner: String) throws -> [[UInt8]?] {
            let transcripts = try store.readProjections { try $0.state(of: "transcripts").load("learner/" + learner) }
            let rules = try store.log.environment.read { txn in try txn.withReader { try $0.get(store.state, key: TextKey("progress/" + learner)) } }
            return [transcripts, rules]
        }
        func evidence(_ id: String) throws -> Attest_V1_EvidenceEntry {
            let bytes = try store.readProjections { try $0.state(of: "transcripts").load("learner-evidence/" + id) }
            return try Attest_V1_EvidenceEntry(serializedBytes: try #require(bytes, "evidence \(id)"))
        }
        var submitted = 0, withdrawn = 0
        // An event a batch, so that each one's effect is seen alone.
        for line in lines {
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let payload = event["payload"] as? [String: Any] ?? [:]
            let learner = payload["learnerId"] as? String ?? ""
            let before = learner.isEmpty ? [] : try records(learner)
            try store.append(lines: [line]) { _, _ in }
            switch event["type"] as? String {
            case "evidence.submitted":
                let id = try #require(payload["evidenceId"] as? String)
                #expect(try records(learner) == before, "\(learner)")
                let kept = try evidence(id)
                #expect(kept.learnerID == learner && kept.unit == payload["unit"] as? String && !kept.withdrawn, "\(id)")
                submitted += 1
            case "evidence.withdrawn":
                let id = try #require(payload["evidenceId"] as? String)
                let kept = try evidence(id)
                #expect(kept.withdrawn, "\(id)")
                for bytes in try records(kept.learnerID) {
                    let record = try Attest_V1_LearnerRecord(serializedBytes: try #require(bytes))
                    let decisions = record.decisions.filter { $0.evidenceID == id }
                    #expect(decisions.allSatisfy { $0.evidenceWithdrawn }, "\(id)")
                    #expect(record.evidence.isEmpty)
                }
                withdrawn += 1
            default:
                continue
            }
        }
        #expect(submitted > 300)
        #expect(withdrawn > 0)
        func kept() throws -> [String: [UInt8]] {
            let entries = try store.readProjections { snapshot in
                try snapshot.entries(of: "transcripts", prefix: "learner/") + snapshot.entries(of: "transcripts", prefix: "learner-evidence/")
            }
            return Dictionary(uniqueKeysWithValues: entries.map { ($0.key, $0.value) })
        }
        let inline = try kept()
        try store.rebuild(["transcripts"])
        #expect(inline.count == 25 + submitted)
        #expect(inline == (try kept()))
    }
}
