import AttestTesting
import Foundation
import Merkle
import Simulation
import SwiftProtobuf
import Testing

@testable import EventLog

@Suite struct RecordEncoderTests {
    /// The direct encoder must write exactly what swift-protobuf writes for the same record.
    @Test(arguments: 0..<40)
    func encodesExactlyAsSwiftProtobuf(seed: Int) throws {
        var generator = SeededRandom(seed: UInt64(seed))
        var draft = SampleEvents.note("stream-\(generator.next() % 1000)", payloadBytes: Int(generator.next() % 400))
        draft.schemaVersion = UInt32(1 + generator.next() % 300)
        draft.occurredAt = Date(microsecondsSinceEpoch: Int64(bitPattern: generator.next()) % 4_000_000_000_000_000)
        draft.actor.role = seed % 3 == 0 ? "" : "assessor"
        draft.actor.id = seed % 5 == 0 ? "" : "actor-\(seed)"
        if seed % 2 == 0 { draft.correlationID = .timeOrdered() }
        if seed % 4 == 0 { draft.causationID = .timeOrdered() }
        if seed % 7 == 0 { draft.payload = Data() }
        let position = Appended(sequence: generator.next() >> UInt64(seed % 64), streamVersion: generator.next() % 5000, duplicate: false)
        let recordedAt = Int64(bitPattern: generator.next() >> 1) * (seed % 6 == 0 ? -1 : 1)
        let previous = Hash(bytes: (0..<32).map { _ in UInt8(truncatingIfNeeded: generator.next()) })!

        // Linked to a learner (their first record, or a later one) in two seeds of three.
        let learner = seed % 3 == 1 ? nil : LearnerLink(learner: "learner-\(seed)", previous: seed % 3 == 0 ? 0 : generator.next() >> 3)
        // With sealed fields in one seed of four: the payload is then the one sealing left.
        let sealed = seed % 4 != 1 ? nil : SealedPayload(payload: Data(draft.payload.prefix(seed)), fields: (0..<(1 + seed % 3)).map { index in
            .with { $0.field = UInt32(1 + index * 7); $0.value = Data((0..<(index * 40)).map { UInt8(truncatingIfNeeded: $0 &* 31) }) }
        })
        let encoder = RecordEncoder(position: position, recordedAt: recordedAt, previous: previous, learner: learner, sealed: sealed)
        var direct = [UInt8](repeating: 0, count: encoder.count(of: draft))
        direct.withUnsafeMutableBytes { encoder.write(draft, into: $0) }

        var record = Record()
        record.sequence = position.sequence
        record.eventID = Data(draft.id.bytes)
        record.streamID = draft.streamID
        record.streamVersion = position.streamVersion
        record.eventType = draft.eventType
        record.schemaVersion = draft.schemaVersion
        record.recordedAtMicros = recordedAt
        record.occurredAtMicros = draft.occurredAt.microsecondsSinceEpoch
        record.actor = draft.actor
        record.correlationID = Data(draft.correlationID?.bytes ?? [])
        record.causationID = Data(draft.causationID?.bytes ?? [])
        record.payload = sealed?.payload ?? draft.payload
        record.previousHash = Data(previous.bytes)
        record.learner = learner?.learner ?? ""
        record.learnerPrevious = learner?.previous ?? 0
        record.sealed = sealed?.fields ?? []
        #expect(direct == (try record.serializedBytes() as [UInt8]))
        #expect(try Record(serializedBytes: direct) == record)
    }
}
