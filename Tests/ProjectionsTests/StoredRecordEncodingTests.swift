import AttestTesting
import Centre
import Projections
import Records
import SwiftProtobuf
import Testing

/// Every learner record the transcripts keep for a generated centre is written by
/// `stateBytes()` exactly as swift-protobuf's deterministic encoding writes it.
@Suite struct StoredRecordEncodingTests {
    @Test func aGeneratedCentresRecordsEncodeAsSwiftProtobufEncodesThem() throws {
        let centre = try TestCentre(projections: CentreStore.reports)
        _ = try centre.appendGenerated(learners: 60, seed: 5, batchSize: 500)
        let stored = try centre.store.readProjections { snapshot in
            try snapshot.entries(of: TranscriptProjection().name, prefix: "learner/")
        }
        #expect(stored.count == 60)
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        for entry in stored {
            let record = try Attest_V1_LearnerRecord(serializedBytes: entry.value)
            #expect(try record.stateBytes() == record.serializedBytes(options: options) as [UInt8], "\(entry.key)")
            #expect(try record.stateBytes() == entry.value, "\(entry.key)")
        }
    }
}
