import Assessment
import Foundation
import Records
import SwiftProtobuf
import Testing

/// `stateBytes()` writes, in one pass, the very bytes swift-protobuf's deterministic binary
/// encoding writes: for every kind of field, lengths of one, two and three bytes, map
/// entries out of order, and fields the message does not know.
@Suite struct StateEncoderTests {
    static func library(_ message: some SwiftProtobuf.Message) throws -> [UInt8] {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        return try message.serializedBytes(options: options)
    }

    static func expectSameBytes(_ message: some SwiftProtobuf.Message, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try message.stateBytes() == library(message), sourceLocation: sourceLocation)
    }

    @Test func aLearnerRecordWithEveryKindOfEntry() throws {
        let record = Attest_V1_LearnerRecord.with {
            $0.learnerID = "L000042"; $0.qualification = "603/4767/3"; $0.specificationVersion = 2
            $0.achievedAtMicros = -1; $0.certificatedAtMicros = 1_736_154_000_000_000; $0.registeredIn = 300
            $0.evidence = (0..<40).map { i in .with { $0.evidenceID = "E\(i)"; $0.unit = "U\(i % 7)"; $0.method = .init(rawValue: i % 5) ?? .unspecified; $0.withdrawn = i % 9 == 0 } }
            $0.decisions = (0..<30).map { i in
                .with {
                    $0.assessmentID = "A\(i)"; $0.evidenceID = "E\(i)"; $0.assessor = "S\(i % 3)"; $0.decidedAtMicros = Int64(i) << 40
                    $0.criteriaMet = (0..<i).map { "\(i % 7).\($0)" }; $0.criteriaNotYetMet = ["9.\(i)"]
                    $0.methods = Dictionary(uniqueKeysWithValues: (0..<(i % 4)).map { ("\($0 * 7 % 5).\(i)", .init(rawValue: $0 + 1) ?? .unspecified) })
                    $0.awaitingRevision = i % 2 == 0
                }
            }
            // A decision whose body passes 16,383 bytes: its length takes three bytes.
            $0.decisions.append(.with { $0.assessmentID = "A-long"; $0.criteriaMet = (0..<3_000).map { "1.\($0)" } })
            $0.met = Dictionary(uniqueKeysWithValues: (0..<12).reversed().map { ("U\($0)", Data(repeating: UInt8($0), count: $0)) })
        }
        // Entries past 127 and 16,383 bytes widen their length to two and three bytes.
        let sizes: [Int] = try record.decisions.map { try $0.stateBytes().count }
        #expect(sizes.contains { $0 > 16_384 } && sizes.contains { (128..<16_384).contains($0) })
        try Self.expectSameBytes(record)
    }

    @Test func everyKindOfScalarPackedAndNestedField() throws {
        var file = Google_Protobuf_FileDescriptorProto()
        file.name = "ünïcode.proto"
        file.dependency = ["a.proto", "", String(repeating: "x", count: 300)]
        file.publicDependency = [0, 1, -1, Int32.min, Int32.max]
        file.sourceCodeInfo = .with {
            $0.location = (0..<50).map { i in .with { $0.path = [Int32(i), -Int32(i), 1 << 20]; $0.span = [1, 2, Int32(i)]; $0.leadingComments = String(repeating: "c", count: i * 5) } }
        }
        file.options = .with {
            $0.javaPackage = "p"; $0.optimizeFor = .codeSize; $0.ccEnableArenas = false
            $0.uninterpretedOption = [.with {
                $0.positiveIntValue = .max; $0.negativeIntValue = .min; $0.doubleValue = -0.5
                $0.stringValue = Data([0, 255, 128]); $0.name = [.with { $0.namePart = "n"; $0.isExtension = true }]
            }]
        }
        try Self.expectSameBytes(file)
        let value = Google_Protobuf_Value.with {
            $0.structValue = .with {
                $0.fields = ["z": .init(numberValue: .pi), "a": .init(boolValue: true), "m": .init(nilLiteral: ()), "é": .init(stringValue: "v")]
            }
        }
        try Self.expectSameBytes(value)
        try Self.expectSameBytes(Google_Protobuf_Timestamp(seconds: -62_135_596_800, nanos: 999_999_999))
        try Self.expectSameBytes(Google_Protobuf_FloatValue(-1.5))
        try Self.expectSameBytes(Google_Protobuf_Int32Value(-5))
        try Self.expectSameBytes(Google_Protobuf_UInt64Value(.max))
        try Self.expectSameBytes(Attest_V1_LearnerRecord())
    }

    @Test func fieldsTheMessageDoesNotKnowAreWrittenAsRead() throws {
        // Field 99 (a string) is unknown to an evidence entry.
        let bytes: [UInt8] = [0x0A, 0x02, 0x45, 0x31, 0x9A, 0x06, 0x03, 0x61, 0x62, 0x63]
        let entry = try Attest_V1_EvidenceEntry(serializedBytes: bytes)
        #expect(!entry.unknownFields.data.isEmpty)
        try Self.expectSameBytes(entry)
        #expect(try entry.stateBytes() == bytes)
    }
}
