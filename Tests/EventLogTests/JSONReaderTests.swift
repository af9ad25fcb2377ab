@testable import EventLog
import Foundation
import SwiftProtobuf
import Testing

/// `JSONReader` and `EventLine`: one reading of an input line refuses what a lenient
/// parser would repair, merge or pass on, and says where.
@Suite struct JSONReaderTests {
    static let limits = InputLimits(lineBytes: 4096, depth: 4, nameBytes: 16) { name in
        name.hasSuffix("id") ? FieldLimit(.identifier, bytes: 8, items: 3, name: "a reference") : FieldLimit(.text, bytes: 32, items: 3, name: "free text")
    }

    func problem(_ json: String) -> String? { problem(Array(json.utf8)) }

    /// What the reader finds wrong with `bytes` as one JSON object read through, or `nil`.
    func problem(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer, limits: Self.limits)
            do {
                reader.skipSpace()
                guard reader.peek == UInt8(ascii: "{") else { return reader.peek == nil ? "is empty" : "is not a JSON object" }
                try reader.skipValue(.text)
                return reader.atEnd() ? nil : "has more after the end of its JSON object"
            } catch let refusal as JSONRefusal {
                return refusal.text
            } catch {
                return "\(error)"
            }
        }
    }

    @Test func aMemberGivenTwiceIsRefusedAtAnyDepthAndUnderEitherSpelling() {
        #expect(problem(#"{"actor":{"id":"a"},"actor":{"id":"b"}}"#) == #"has "actor" twice"#)
        #expect(problem(#"{"payload":{"learnerId":"1","learner_id":"2"}}"#) == #""payload" has "learner_id" and "learnerId", the same field twice"#)
        #expect(problem(#"{"p":[{"q":1,"q":2}]}"#) == #""p[0]" has "q" twice"#)
    }

    @Test func bytesThatAreNotUTF8AreRefusedNeverRepaired() {
        var line = Array(#"{"reason":"moved"}"#.utf8)
        line.insert(0xFF, at: 13)
        #expect(problem(line) == #""reason" is not valid UTF-8"#)
        // An encoded surrogate (ED A0 80) is not UTF-8 either, nor is a lone escaped one.
        var surrogate = Array(#"{"reason":"ab"}"#.utf8)
        surrogate.insert(contentsOf: [0xED, 0xA0, 0x80], at: 12)
        #expect(problem(surrogate) == #""reason" is not valid UTF-8"#)
        #expect(problem(#"{"reason":"\ud800x"}"#) == #""reason" is not valid JSON: a string has an invalid escape"#)
        #expect(problem(#"{"reason":"\ud83d\ude00"}"#) == nil)
    }

    /// The scan of a string reads eight plain bytes at a time: a mark (quote, backslash,
    /// control character, byte of a multi-byte character) in any of the eight places, and
    /// across the end of a word, is found as a byte-by-byte scan finds it.
    @Test func aStringsScanFindsEachMarkWhereverItFallsInAWord() throws {
        let marks: [(text: [UInt8], read: String?)] = [
            (Array(#"\n"#.utf8), "\n"), (Array(#"\""#.utf8), "\""), (Array(#"\u00e9"#.utf8), "é"),
            (Array("é".utf8), "é"), (Array("😀".utf8), "😀"), ([0x7E], "~"), ([0x20], " "),
            ([0x01], nil), ([0x1F], nil), ([0x7F], nil), ([0xFF], nil), ([0xC3], nil),
        ]
        let identifier = FieldLimit(.identifier, bytes: 64, name: "a reference")
        for length in 0...20 {
            for at in 0...length {
                for mark in marks {
                    var text = Array(repeating: UInt8(ascii: "a"), count: length)
                    text.insert(contentsOf: mark.text, at: at)
                    let json = Array(#"{"reason":""#.utf8) + text + Array(#""}"#.utf8)
                    func read(as limit: FieldLimit) -> String? {
                        json.withUnsafeBufferPointer { bytes in
                            var reader = JSONReader(bytes, limits: .lenient)
                            var count = 0
                            guard (try? reader.beginObject()) != nil, (try? reader.nextMember(&count)) != nil else { return nil }
                            return try? reader.string(limit) { String(decoding: $0, as: UTF8.self) }
                        }
                    }
                    let expected = mark.read.map { String(repeating: "a", count: at) + $0 + String(repeating: "a", count: length - at) }
                    #expect(read(as: .text) == expected, "\(mark.text) at \(at) of \(length)")
                    // An identifier also refuses a space, written or escaped, and a line break.
                    let refusedInIdentifier = expected.map { $0.contains(" ") || $0.contains("\n") } ?? true
                    #expect(read(as: identifier) == (refusedInIdentifier ? nil : expected), "\(mark.text) at \(at) of \(length), an identifier")
                }
            }
        }
    }

    @Test func theGrammarIsFollowedExactly() {
        for bad in [#"{"a":01}"#, #"{"a":1.}"#, #"{"a":+1}"#, #"{"a":NaN}"#, #"{"a":tru}"#, #"{"a":truex}"#, #"{"a":1,}"#,
                    #"{"a":"\x"}"#, "{\"a\":\"tab\there\"}", #"{"a":1} {"#, #"{'a':1}"#, #"{"a":[1 2]}"#, "{\"a\":\"x"] {
            #expect(problem(bad)?.contains("is not valid JSON") == true || problem(bad)?.contains("after the end") == true, "\(bad)")
        }
        #expect(problem("[1]") == "is not a JSON object")
        #expect(problem("  ") == "is empty")
        #expect(problem(#"{"a":-0.5E+3,"b":[],"c":{},"d":false}"#) == nil)
    }

    @Test func stringsListsNamesAndNestingAreBounded() {
        #expect(problem(#"{"learnerId":"123456789"}"#) == #""learnerId" is 9 bytes long; a reference is at most 8"#)
        #expect(problem(#"{"learnerId":"a b"}"#) == #""learnerId" "a b" holds a space or control character, which a reference may not"#)
        #expect(problem(#"{"id":"x\u0000y"}"#) == #""id" "x\u{0}y" holds a space or control character, which a reference may not"#)
        #expect(problem(#"{"reason":"two\nlines\tand a tab"}"#) == nil)
        #expect(problem(#"{"reason":"bell\u0007"}"#) == #""reason" holds a control character other than a tab or a line break"#)
        #expect(problem(#"{"reason":"\#(String(repeating: "x", count: 33))"}"#) == #""reason" is 33 bytes long; free text is at most 32"#)
        #expect(problem(#"{"units":["a","b","c","d"]}"#) == #""units" has more than 3 items"#)
        #expect(problem(#"{"a":{"b":{"c":{"d":1}}}}"#) == nil)
        #expect(problem(#"{"a":{"b":{"c":{"d":{}}}}}"#) == #""a.b.c.d" is nested more than 4 deep"#)
        #expect(problem(#"{"abcdefghijklmnopq":1}"#) == "has a member name of 17 bytes; names are at most 16")
        #expect(problem(#"{"a":\#(String(repeating: "1", count: 65))}"#) == #""a" is a number of more than 64 characters"#)
        #expect(problem(#"{"a":1,"b":[1,[2,{"c":"\#(String(repeating: "x", count: 33))"}]]}"#) == #""b[1][1].c" is 33 bytes long; free text is at most 32"#)
    }

    @Test func aLongValueIsQuotedCutToEightyCharacters() {
        let quoted = Quote.value(String(repeating: "y", count: 10_000))
        #expect(quoted == "\"" + String(repeating: "y", count: 80) + "…\" (10000 bytes)")
        #expect(Quote.value("a\u{1}b") == #""a\u{1}b""#)
    }

    /// A schema of one message, `t.Note`: `text` (a string), `count` (uint32), `tags` (a list of strings).
    static let schemas: PayloadSchemas = {
        func field(_ name: String, _ number: Int32, _ type: Google_Protobuf_FieldDescriptorProto.TypeEnum, repeated: Bool = false) -> Google_Protobuf_FieldDescriptorProto {
            .with {
                $0.name = name
                $0.jsonName = name
                $0.number = number
                $0.type = type
                $0.label = repeated ? .repeated : .optional
            }
        }
        let set = Google_Protobuf_FileDescriptorSet.with {
            $0.file = [.with {
                $0.name = "t.proto"
                $0.package = "t"
                $0.messageType = [.with {
                    $0.name = "Note"
                    $0.field = [field("text", 1, .string), field("count", 2, .uint32), field("tags", 3, .string, repeated: true)]
                }]
            }]
        }
        return try! PayloadSchemas(fileDescriptorSet: try! set.serializedBytes(), limits: limits)
    }()

    func refusal(_ line: String) -> String? {
        do {
            _ = try draft(line)
            return nil
        } catch {
            return "\(error)"
        }
    }

    func draft(_ line: String) throws -> EventDraft {
        try EventLine.parse(line, limits: .lenient) { type, version in
            guard type == "t" else { throw EventLineError("unknown type") }
            return .init(message: Self.schemas.message(named: "t.Note")!, what: "payload of t v\(version)")
        }
    }

    @Test func anEventLineNamesTheFieldThatIsWrong() {
        let base = #"{"type":"t","actor":{"id":"a"},"occurredAt":"2026-03-02T09:30:00Z","payload":{}"#
        #expect(refusal(base + "}") == nil)
        #expect(refusal(base + #","id":"0191d6dc-bc22-70ba-84d0-c5120bd70c99x"}"#)?.hasPrefix(#""id" is not a UUID"#) == true)
        #expect(refusal(base + #","id":"0191d6dcbc2270ba84d0c5120bd70c99"}"#)?.hasPrefix(#""id" is not a UUID"#) == true)
        #expect(refusal(base + #","id":"0191D6DC-BC22-70BA-84D0-C5120BD70C9G"}"#)?.hasPrefix(#""id" is not a UUID"#) == true)
        #expect(refusal(base + #","expectedVersion":1e3}"#) == #""expectedVersion" is not a whole number from 0 to 9223372036854775807"#)
        #expect(refusal(base + #","extra":1}"#) == #"has an unknown field "extra""#)
        #expect(refusal(base + #","type":"t"}"#) == #"has "type" twice"#)
        #expect(refusal(#"{"type":"t","actor":{"id":"a","id":"b"},"occurredAt":"2026-03-02T09:30:00Z","payload":{}}"#) == #""actor" has "id" twice"#)
        #expect(refusal(String(repeating: " ", count: 1 << 20) + base + "}") == "is longer than 1048576 bytes, the most a line may hold")
    }

    /// The actor's members are matched by name whether written plainly or with escapes;
    /// any other name is refused, and one given twice, though null is as good as absent.
    @Test func anActorHoldsAnIDAndARoleOnly() throws {
        func line(_ actor: String) -> String {
            #"{"type":"t","actor":"# + actor + #","occurredAt":"2026-03-02T09:30:00Z","payload":{}}"#
        }
        let plain = try draft(line(#"{"role":"assessor","id":"a-1"}"#)).actor
        #expect(plain.id == "a-1" && plain.role == "assessor")
        let escaped = try draft(line(#"{"\u0069d":"a-1","r\u006Fle":"assessor"}"#)).actor
        #expect(escaped == plain)
        #expect(try draft(line(#"{"id":null,"id":"a-1"}"#)).actor.id == "a-1")
        #expect(refusal(line(#"{"id":"a-1","name":"x"}"#)) == #"has an unknown field "actor.name""#)
        #expect(refusal(line(#"{"id":"a-1","i":"x"}"#)) == #"has an unknown field "actor.i""#)
        #expect(refusal(line(#"{"id":"a-1","\u0069":"x"}"#)) == #"has an unknown field "actor.i""#)
        #expect(refusal(line(#"{"role":"assessor","r\u006Fle":"iqa","id":"a-1"}"#)) == #""actor" has "role" twice"#)
        #expect(refusal(line(#"{"role":"assessor"}"#)) == #"has no "actor.id""#)
    }

    /// The word-at-a-time scan skips the full check of a limit unless it met a byte the
    /// limit refuses: every single byte, at every place of a word, is accepted or refused
    /// as JSON, UTF-8 and `FieldLimit.problem(with:)` have it, as free text and as an identifier.
    @Test func everyByteALimitRefusesIsFoundByTheScan() {
        let identifier = FieldLimit(.identifier, bytes: 64, name: "a reference")
        for limit in [FieldLimit.text, identifier] {
            for byte in UInt8.min...UInt8.max where byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                for at in 0...16 {
                    var text = Array(repeating: UInt8(ascii: "a"), count: 20)
                    text[at] = byte
                    let json = Array(#"{"reason":""#.utf8) + text + Array(#""}"#.utf8)
                    let read = json.withUnsafeBufferPointer { bytes in
                        var reader = JSONReader(bytes, limits: .lenient)
                        var count = 0
                        guard (try? reader.beginObject()) != nil, (try? reader.nextMember(&count)) != nil else { return false }
                        return (try? reader.string(limit) { _ in }) != nil
                    }
                    let expected = byte >= 0x20 && byte < 0x80 && limit.problem(with: text) == nil
                    #expect(read == expected, "byte \(byte) at \(at), \(limit.kind)")
                }
            }
        }
    }

    /// A UUID is read from its canonical form only, in either case, every digit counted.
    @Test func aUUIDIsReadFromItsCanonicalFormOnly() {
        func read(_ text: String) -> UUID? { Array(text.utf8).withUnsafeBufferPointer(UUID.init(canonical:)) }
        for _ in 0..<100 {
            let uuid = UUID()
            #expect(read(uuid.uuidString) == uuid)
            #expect(read(uuid.uuidString.lowercased()) == uuid)
            for at in uuid.uuidString.indices {
                for wrong: Character in ["g", "-", " ", "0"] where uuid.uuidString[at] != wrong {
                    var text = uuid.uuidString
                    text.replaceSubrange(at...at, with: String(wrong))
                    // Foundation's reading is the reference where the text is still canonical.
                    let canonical = wrong == "0" && uuid.uuidString[at] != "-"
                    #expect(read(text) == (canonical ? UUID(uuidString: text) : nil), "\(text)")
                }
            }
        }
        #expect(read("0191d6dcbc2270ba84d0c5120bd70c99") == nil)
        #expect(read("{0191d6dc-bc22-70ba-84d0-c5120bd70c99}") == nil)
    }

    @Test func theIdAndThePayloadAreReadInOnePassWhereverTheyAre() throws {
        let id = "0191D6DC-BC22-70BA-84D0-C5120BD70C99"
        let early = try draft(#"{"payload":{"tags":["x"],"text":"hi","count":3},"id":"\#(id)","type":"t","actor":{"id":"a"},"occurredAt":"2026-03-02T09:30:00Z","schemaVersion":2}"#)
        let late = try draft(#"{"type":"t","schemaVersion":2,"id":"\#(id.lowercased())","actor":{"id":"a"},"occurredAt":"2026-03-02T09:30:00Z","payload":{"text":"hi","count":3,"tags":["x"]}}"#)
        #expect(early == late)
        #expect(early.id == UUID(uuidString: id))
        #expect(early.schemaVersion == 2)
        // Fields in number order, whatever order the text gave them in: 1 text, 2 count, 3 tags.
        #expect(Array(early.payload) == [0x0A, 2, UInt8(ascii: "h"), UInt8(ascii: "i"), 0x10, 3, 0x1A, 1, UInt8(ascii: "x")])
        #expect(refusal(#"{"payload":{"count":-1},"type":"t","actor":{"id":"a"},"occurredAt":"2026-03-02T09:30:00Z"}"#)
            == #"payload of t v0: "payload.count" is not a number of its kind (whole numbers are written without a fraction or exponent)"#)
        #expect(refusal(#"{"type":"t","actor":{"id":"a"},"occurredAt":"2026-03-02T09:30:00Z","payload":{"text":"a","what":1}}"#)
            == #"payload of t v0: unknown field "what""#)
    }
}
