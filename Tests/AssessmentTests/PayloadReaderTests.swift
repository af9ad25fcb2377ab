import AttestTesting
import Assessment
import EventLog
import Foundation
import Records
import Simulation
import SwiftProtobuf
import Testing

/// The payload reader against swift-protobuf: what it accepts, it encodes to exactly the
/// bytes swift-protobuf's JSON decoding and binary encoding give for the same text.
@Suite struct PayloadReaderTests {
    /// A payload's JSON and the message it is of.
    struct Payload {
        let json: String
        let type: any SwiftProtobuf.Message.Type
    }

    /// Every payload of a generated centre and of docs/events.md, and every specification file.
    static let payloads: [Payload] = {
        var lines: [String] = EventCatalogueTests.examples
        try! CentreGenerator(learners: 12, seed: 3, specification: Qualifications.customerServiceLevel2).generate { lines.append($0) }
        var payloads = lines.map { line in
            let object = EventCatalogueTests.object(line)
            let type = EventType(rawValue: object["type"] as! String)!
            let json = try! JSONSerialization.data(withJSONObject: object["payload"]!, options: [.withoutEscapingSlashes])
            return Payload(json: String(decoding: json, as: UTF8.self), type: Upcasters.storedType(type, version: type.currentVersion)!)
        }
        let specifications = try! FileManager.default.contentsOfDirectory(
            at: Fixtures.directory().appendingPathComponent("specifications"), includingPropertiesForKeys: nil)
        for file in specifications where file.pathExtension == "json" {
            payloads.append(Payload(json: try! String(contentsOf: file, encoding: .utf8), type: Attest_V1_Specification.self))
        }
        return payloads
    }()

    /// The reader's encoding of `json`, or its refusal.
    static func reader(_ json: String, as type: any SwiftProtobuf.Message.Type) -> Result<[UInt8], EventLineError> {
        Result {
            try PayloadSchemas.centre.binary(ofJSON: Array(json.utf8)[...], as: PayloadSchemas.centre.message(type)!, what: "the payload")
        }.mapError { $0 as! EventLineError }
    }

    /// swift-protobuf's encoding of the message it decodes from `json`, or nil when it refuses it.
    static func library(_ json: String, as type: any SwiftProtobuf.Message.Type) -> [UInt8]? {
        try? type.init(jsonUTF8Bytes: Array(json.utf8), options: .init()).serializedBytes()
    }

    /// `json` with every member name in its proto spelling (`learner_id`), members in reverse order, spaced out.
    static func respelled(_ json: String) -> String {
        func respell(_ value: Any) -> Any {
            if let object = value as? [String: Any] {
                return Dictionary(uniqueKeysWithValues: object.map { key, value in
                    (key.reduce(into: "") { $0 += $1.isUppercase ? "_" + $1.lowercased() : String($1) }, respell(value))
                })
            }
            if let list = value as? [Any] { return list.map(respell) }
            return value
        }
        let object = try! JSONSerialization.jsonObject(with: Data(json.utf8))
        let sorted = try! JSONSerialization.data(withJSONObject: respell(object), options: [.sortedKeys, .prettyPrinted])
        // Sorted keys, then each object's members reversed: an order unlike the schema's.
        return reversedMembers(String(decoding: sorted, as: UTF8.self))
    }

    /// The pretty-printed `json` with the members of each object in reverse order.
    static func reversedMembers(_ json: String) -> String {
        func reverse(_ value: Any) -> String {
            if let object = value as? [String: Any] {
                let members = object.keys.sorted().reversed().map { "\"\($0)\" : \(reverse(object[$0]!))" }
                return "{\n  " + members.joined(separator: ",\n  ") + "\n}"
            }
            if let list = value as? [Any] { return "[ " + list.map(reverse).joined(separator: " , ") + " ]" }
            return String(decoding: try! JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]), as: UTF8.self)
        }
        return reverse(try! JSONSerialization.jsonObject(with: Data(json.utf8)))
    }

    @Test func everyPayloadEncodesAsSwiftProtobufEncodesIt() throws {
        #expect(Self.payloads.count > 500)
        for payload in Self.payloads {
            let expected = try #require(Self.library(payload.json, as: payload.type), "\(payload.json)")
            #expect(try Self.reader(payload.json, as: payload.type).get() == expected, "\(payload.json)")
            let respelled = Self.respelled(payload.json)
            #expect(try Self.reader(respelled, as: payload.type).get() == expected, "\(respelled)")
        }
    }

    @Test func theLessUsualFormsOfProto3JSONEncodeTheSame() throws {
        let type = Attest_V1_Specification.self
        for json in [
            #"{"id":"x","level":"2","totalQualificationTime":2.7e2,"guidedLearningHours":142.0,"minimumAge":0}"#,
            #"{"id":"\u0078","title":"\u0078\n\"y\"","kind":1,"awardingOrganisation":"","groups":[],"rulesOfCombination":{},"units":null}"#,
            #"{"kind":"STANDALONE_UNIT","groups":[{"mandatory":false,"units":["a",""]},{}],"suite":"caf\u00e9 ☕"}"#,
            #"{"units":[{"learningOutcomes":[{"kind":"COMPETENCE","criteria":[{"number":"1.1"}]}],"credits":4294967295}]}"#,
            #"{"\u0069d":"x","guided\u005flearning_hours":7,"unit\u0073":[{"cr\u0065dits":4}]}"#,
        ] {
            let expected = try #require(Self.library(json, as: type), "\(json)")
            #expect(try Self.reader(json, as: type).get() == expected, "\(json)")
        }
        let sampled = #"{"sampleId":"SM-1","assessmentId":"AS-1","stage":"INTERIM","outcome":1}"#
        #expect(try Self.reader(sampled, as: Attest_V1_AssessmentSampled.self).get() == Self.library(sampled, as: Attest_V1_AssessmentSampled.self))
        let roles = #"{"staffId":"s1","roles":["ASSESSOR",3,"CENTRE_ADMINISTRATOR"]}"#
        #expect(try Self.reader(roles, as: Attest_V1_StaffRegistered.self).get() == Self.library(roles, as: Attest_V1_StaffRegistered.self))
    }

    @Test func whatTheSchemaDoesNotHaveIsRefusedByPlace() {
        func problem(_ json: String, as type: any SwiftProtobuf.Message.Type = Attest_V1_Specification.self) -> String? {
            if case let .failure(error) = Self.reader(json, as: type) { return error.problem }
            return nil
        }
        #expect(problem(#"{"id":"x","colour":1}"#) == #"the payload: unknown field "colour""#)
        #expect(problem(#"{"id":"x","c\u006flour":1}"#) == #"the payload: unknown field "colour""#)
        #expect(problem(#"{"units":[{},{"colour":1}]}"#) == #"the payload: "units[1]" has an unknown field "colour""#)
        #expect(problem(#"{"guidedLearningHours":1,"guided_learning_hours":2}"#)
            == #"the payload has "guided_learning_hours" and "guidedLearningHours", the same field twice"#)
        #expect(problem(#"{"level":4294967296}"#) == #"the payload: "level" is a number out of its range"#)
        #expect(problem(#"{"level":1.5}"#)?.hasSuffix(#""level" is not a number of its kind (whole numbers are written without a fraction or exponent)"#) == true)
        #expect(problem(#"{"level":-1}"#)?.contains("is not a number of its kind") == true)
        #expect(problem(#"{"level":true}"#)?.contains("is not a number of its kind") == true)
        #expect(problem(#"{"title":5}"#) == #"the payload: "title" is not a string"#)
        #expect(problem(#"{"groups":[{"mandatory":"yes"}]}"#) == #"the payload: "groups[0].mandatory" is not true or false"#)
        #expect(problem(#"{"kind":"PROGRAMME"}"#) == #"the payload: "kind" is not one of its enumeration's names"#)
        #expect(problem(#"{"kind":9}"#) == #"the payload: "kind" holds 9, which is not a value of Specification.Kind; write the value's name"#)
        #expect(problem(#"{"groups":{}}"#) == #"the payload: "groups" has a value of the wrong type or shape"#)
        #expect(problem(#"{"rulesOfCombination":[]}"#) == #"the payload: "rulesOfCombination" has a value of the wrong type or shape"#)
        #expect(problem(#"{"superseded_urns":["a",null]}"#) == #"the payload: "superseded_urns[1]" has a value of the wrong type or shape"#)
        #expect(problem(#"{"id":"x"} {"#) == "the payload has more after the end of its JSON object")
    }

    /// Lines cut, spliced and bent at random: whatever the reader accepts, swift-protobuf
    /// accepts as the same message.
    @Test func whatTheReaderAcceptsSwiftProtobufReadsAsTheSameMessage() throws {
        var random = SeededRandom(seed: 11)
        let pieces = [",", ":", "{", "}", "[", "]", "\"", "null", "0", "-1", "1e2", "\"A\"", "\\u0041", " ", "true", "\"AGREED\"", "7"]
        var accepted = 0
        for round in 0..<4000 {
            let payload = Self.payloads[round % Self.payloads.count]
            var bytes = Array(payload.json.utf8)
            for _ in 0...Int(random.next() % 3) {
                let at = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(contentsOf: Array(pieces[Int(random.next() % UInt64(pieces.count))].utf8), at: at)
                default: bytes.replaceSubrange(at..<min(bytes.count, at + 4), with: Array(pieces[Int(random.next() % UInt64(pieces.count))].utf8))
                }
            }
            let json = String(decoding: bytes, as: UTF8.self)
            guard case let .success(encoded) = Self.reader(json, as: payload.type) else { continue }
            accepted += 1
            #expect(Self.library(json, as: payload.type) == encoded, "\(json)")
        }
        #expect(accepted > 100)
    }
}
