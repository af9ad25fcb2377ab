import AttestTesting
import EventLog
import Foundation
import Simulation
import SwiftProtobuf
import Testing

/// Personal fields are taken out of a payload and put back without its message: a
/// record's own encoding (varints, strings, bytes, a nested message, repeated messages)
/// stands in for a payload here.
@Suite struct PayloadFieldsTests {
    @Test(arguments: 0..<60)
    func fieldsTakenOutComeBackByteForByte(seed: Int) throws {
        var random = SeededRandom(seed: UInt64(seed))
        var message = Record()
        message.sequence = random.next() >> (random.next() % 64)
        message.streamID = random.next() % 10 < 8 ? "learner-\(random.next() % 1000)" : ""
        message.eventType = random.next() % 2 == 0 ? "learner.registered" : ""
        message.actor = .with { $0.id = "admin-\(seed)"; $0.role = seed % 2 == 0 ? "" : "centre_administrator" }
        message.payload = Data((0..<(random.next() % 300)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        message.learner = random.next() % 10 < 6 ? "Ada Okafor-Hale \(seed)" : ""
        message.sealed = (0..<(random.next() % 3)).map { index in .with { $0.field = UInt32(index + 1); $0.value = Data([UInt8(index)]) } }
        let bytes: Data = try message.serializedData()

        // Strings, bytes and the nested actor: 3, 5, 9, 12 and 14 (and 16, repeated).
        let taking: Set<UInt32> = [[3, 14], [5, 12, 16], [9], [3, 5, 9, 12, 14, 16], [7]][seed % 5]
        let (kept, taken) = try PayloadFields.split(bytes, taking: taking)
        #expect(taken.allSatisfy { taking.contains($0.field) })
        var without = message
        for field in taking {
            switch field {
            case 3: without.streamID = ""
            case 5: without.eventType = ""
            case 9: without.clearActor()
            case 12: without.payload = Data()
            case 14: without.learner = ""
            case 16: without.sealed = []
            default: break
            }
        }
        #expect(kept == (try without.serializedData()), "what is kept is the message without those fields")
        #expect(try PayloadFields.merge(kept, taken) == bytes)
    }

    @Test func bytesThatAreNoEncodingAreRefused() {
        for bad in [[0x0A, 0x05, 0x41], [0x08], [0x0B, 0x00], [0x00, 0x01]] as [[UInt8]] {
            #expect(throws: MalformedPayload.self) { try PayloadFields.split(Data(bad), taking: [1]) }
        }
    }
}
