import AttestTesting
import Assessment
import Centre
import EventLog
import Foundation
import Records
import Simulation
import SwiftProtobuf
import Testing

/// `LoggedRecord.domainJSONLine` and `PayloadSchemas.writeJSON` write the bytes that
/// swift-protobuf's JSON read back and written again by `JSONSerialization` give
/// (`ReferenceJSON`): the writer is checked against the libraries it stands in for.
@Suite struct RecordJSONTests {
    /// Each record of `store` written both ways, opened with the store's keys.
    static func expectEveryLineAsTheLibrariesWriteIt(_ store: CentreStore, at path: String) throws -> Int {
        let keyring = Keyring(store: path)
        var count = 0
        try store.log.read { entry in
            let line = try entry.domainJSONLine(opening: keyring.open)
            let reference = try ReferenceJSON.line(of: entry, opening: keyring.open)
            #expect(line == reference, "sequence \(entry.record.sequence)")
            count += 1
            return line == reference
        }
        return count
    }

    /// docs/events.md's centre: every event type, then its learner erased, so that their
    /// sealed fields no longer open.
    @Test func everyEventTypeIsWrittenAsTheLibrariesWriteIt() throws {
        let directory = TemporaryDirectory("record-json")
        let store = try CentreStore.create(at: directory.child("store"))
        let examples = EventCatalogueTests.examples
        let erasure = try #require(examples.first { $0.contains(#""type":"learner.erased""#) })
        try store.append(ndjson: examples[0])
        _ = try store.importSpecification(json: BundledQualificationJSON.text, actor: "admin-1")
        try store.append(ndjson: examples.dropFirst().filter { $0 != EventCatalogueTests.claim && $0 != erasure }.joined(separator: "\n"))
        #expect(try Self.expectEveryLineAsTheLibrariesWriteIt(store, at: directory.child("store")) == examples.count - 1)
        try store.append(ndjson: erasure)
        #expect(try Self.expectEveryLineAsTheLibrariesWriteIt(store, at: directory.child("store")) == examples.count)
    }

    /// A generated centre, with a third of the lines version 1 can express written as
    /// version 1 (stored and shown in their own version), and every fifth line with a
    /// correlation and a causation id.
    @Test func aGeneratedCentreOfMixedVersionsIsWrittenAsTheLibrariesWriteIt() throws {
        let centre = try TestCentre()
        var lines: [String] = []
        var index = 0
        try CentreGenerator(learners: 12, seed: 9, specification: centre.specification).generate { line in
            index += 1
            var line = try Version1Lines.withVersion1Facts(line, keepingMethods: true)
            if index % 3 == 0, let old = try Version1Lines.version1(line) { line = old }
            if index % 5 == 0 {
                line = #"{"correlationId":"\#(UUID().uuidString)","causationId":"\#(UUID().uuidString)","# + line.dropFirst()
            }
            lines.append(line)
        }
        try centre.store.append(lines: lines, batchSize: 100) { _, _ in }
        #expect(try Self.expectEveryLineAsTheLibrariesWriteIt(centre.store, at: centre.path) == lines.count)
    }

    static func reference(_ message: some SwiftProtobuf.Message) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(try message.jsonString().utf8))
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }

    static func written(_ message: some SwiftProtobuf.Message) throws -> String {
        var json = JSONText()
        try PayloadSchemas.centre.writeJSON(of: message, to: &json)
        return json.text
    }

    /// Text no input line would hold (every control character, quotes, back-slashes,
    /// non-ASCII), the largest numbers, enumeration values the schema does not name,
    /// unknown fields, and a message left empty.
    @Test func awkwardValuesAreWrittenAsTheLibrariesWriteThem() throws {
        let awkward = String(String.UnicodeScalarView((0..<0x20).map { Unicode.Scalar(UInt8($0)) })) + #""\/é😀"# + "\u{7F}\u{2028}"
        var evidence = Attest_V1_EvidenceSubmitted()
        evidence.evidenceID = awkward
        evidence.criteria = ["1.1", awkward, ""]
        evidence.method = .UNRECOGNIZED(42)
        evidence.artefact.mediaType = awkward
        evidence.artefact.sizeBytes = .max
        var staff = Attest_V1_StaffRegistered()
        staff.roles = [.assessor, .UNRECOGNIZED(77), .internalQualityAssurer]
        staff.competentUnits = ["unit 1"]
        var assessed = Attest_V1_EvidenceAssessed()
        assessed.decisions = [Attest_V1_CriterionAssessment(), Attest_V1_CriterionAssessment()]
        assessed.decisions[1].criterion = awkward
        assessed.decisions[1].adjustmentsApplied = [awkward]
        var unknown = try Attest_V1_LearnerWithdrawn(serializedBytes: [0xF8, 0x07, 0x01] as [UInt8])  // field 127, varint 1
        unknown.reason = awkward
        let messages: [any SwiftProtobuf.Message] = [evidence, staff, assessed, unknown, Attest_V1_CertificateClaimed()]
        for message in messages {
            #expect(try Self.written(message) == Self.reference(message), "\(type(of: message))")
        }
    }

    /// 64-bit integers, which no payload holds yet, are written as proto3 JSON writes them:
    /// in quotes, signed or not; 32-bit ones are not.
    @Test func wideIntegersAreQuoted() throws {
        var file = Google_Protobuf_FileDescriptorProto()
        file.package = "attest.v1"
        var message = Google_Protobuf_DescriptorProto()
        message.name = "AssessorActivity"
        for (name, jsonName, number, type) in [
            ("decisions", "decisions", 2, Google_Protobuf_FieldDescriptorProto.TypeEnum.uint64),
            ("last_standardisation_micros", "lastStandardisationMicros", 9, .int64),
        ] {
            var field = Google_Protobuf_FieldDescriptorProto()
            field.name = name
            field.jsonName = jsonName
            field.number = Int32(number)
            field.type = type
            field.label = .optional
            message.field.append(field)
        }
        file.messageType = [message]
        var set = Google_Protobuf_FileDescriptorSet()
        set.file = [file]
        let schemas = try PayloadSchemas(fileDescriptorSet: try set.serializedData(), limits: .centre)
        for micros in [Int64.min, -1, Int64.max] {
            var activity = Attest_V1_AssessorActivity()
            activity.decisions = .max
            activity.lastStandardisationMicros = micros
            var json = JSONText()
            try schemas.writeJSON(of: activity, to: &json)
            let reference = try Self.reference(activity)
            #expect(json.text == reference)
        }
    }

    /// Each message's names, in the order the writer puts them, are in the order
    /// `JSONSerialization` sorts them.
    @Test func everyMessagesNamesAreInFoundationsOrder() throws {
        let set = try Google_Protobuf_FileDescriptorSet(
            serializedBytes: Data(base64Encoded: PayloadDescriptors.fileDescriptorSet, options: .ignoreUnknownCharacters)!)
        func check(_ message: Google_Protobuf_DescriptorProto) throws {
            let names = message.field.map { $0.hasJsonName ? $0.jsonName : $0.name }
            let object = Dictionary(uniqueKeysWithValues: names.map { ($0, 0) })
            let written = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
            #expect(written == "{" + JSONText.sortedKeys(names).map { "\"\($0)\":0" }.joined(separator: ",") + "}", "\(message.name)")
            for nested in message.nestedType { try check(nested) }
        }
        for file in set.file { for message in file.messageType { try check(message) } }
    }
}
