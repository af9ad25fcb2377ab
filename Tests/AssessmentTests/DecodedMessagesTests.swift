import Assessment
import Records
import Testing

/// Messages kept decoded between transactions are given out again, once, only for the
/// very bytes they were kept with.
@Suite struct DecodedMessagesTests {
    static func learner(_ id: String) -> Attest_V1_LearnerRecord { .with { $0.learnerID = id } }

    @Test func theSameBytesGiveTheKeptMessageOnceAndOtherBytesAreDecoded() throws {
        let decoded = DecodedMessages()
        let bytes: [UInt8] = try Self.learner("L1").stateBytes()
        // Kept with a message the bytes do not encode, to tell a kept message from a decoded one.
        decoded.keep("progress/L1", bytes, Self.learner("kept"))
        #expect(try decoded.take("progress/L1", from: bytes, as: Attest_V1_LearnerRecord.self).learnerID == "kept")
        // Taken out: the same bytes are decoded afresh until the message is kept again.
        #expect(try decoded.take("progress/L1", from: bytes, as: Attest_V1_LearnerRecord.self).learnerID == "L1")
        decoded.keep("progress/L1", bytes, Self.learner("kept"))
        let changed: [UInt8] = try Self.learner("L1-changed").stateBytes()
        #expect(try decoded.take("progress/L1", from: changed, as: Attest_V1_LearnerRecord.self).learnerID == "L1-changed")
        // Another type under the same key is decoded too.
        decoded.keep("progress/L1", changed, Self.learner("kept"))
        #expect(try decoded.take("progress/L1", from: changed, as: Attest_V1_EvidenceEntry.self).evidenceID == "L1-changed")
    }

    @Test func itEmptiesRatherThanHoldMoreThanItsLimit() throws {
        let decoded = DecodedMessages(limit: 20)
        let first: [UInt8] = try Self.learner("first-learner").stateBytes()
        decoded.keep("a", first, Self.learner("kept"))
        decoded.keep("b", try Self.learner("second-learner").stateBytes(), Self.learner("kept"))
        #expect(try decoded.take("a", from: first, as: Attest_V1_LearnerRecord.self).learnerID == "first-learner")
    }
}
