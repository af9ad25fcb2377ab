import EventLog
import Foundation
import Testing

/// `StrictJSON`: one reading of an input line refuses what a lenient parser would repair,
/// merge or pass on, and says where.
@Suite struct StrictJSONTests {
    static let limits = InputLimits(lineBytes: 4096, depth: 4, nameBytes: 16) { name in
        name.hasSuffix("id") ? FieldLimit(.identifier, bytes: 8, items: 3, name: "a reference") : FieldLimit(.text, bytes: 32, items: 3, name: "free text")
    }

    func problem(_ json: String) -> String? { problem(Array(json.utf8)) }

    func problem(_ bytes: [UInt8]) -> String? {
        do {
            _ = try StrictJSON.members(of: bytes[...], limits: Self.limits)
            return nil
        } catch let error as EventLineError {
            return error.problem
        } catch {
            return "\(error)"
        }
    }

    @Test func membersComeBackInOrderWithTheBytesOfTheirValues() throws {
        let bytes = Array(#"{"a": {"b": [1, 2.5e-3, null]}, "c" : "x\"y"}"#.utf8)
        let members = try StrictJSON.members(of: bytes[...], limits: Self.limits)
        #expect(members.map(\.name) == ["a", "c"])
        #expect(String(decoding: bytes[members[0].value], as: UTF8.self) == #"{"b": [1, 2.5e-3, null]}"#)
        #expect(String(decoding: bytes[members[1].value], as: UTF8.self) == #""x\"y""#)
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
    }

    @Test func aLongValueIsQuotedCutToEightyCharacters() {
        let quoted = Quote.value(String(repeating: "y", count: 10_000))
        #expect(quoted == "\"" + String(repeating: "y", count: 80) + "…\" (10000 bytes)")
        #expect(Quote.value("a\u{1}b") == #""a\u{1}b""#)
    }

    @Test func anEventLineNamesTheFieldThatIsWrong() {
        func refusal(_ line: String) -> String? {
            do { _ = try EventLine.parse(line); return nil } catch { return "\(error)" }
        }
        let base = #"{"type":"t","actor":{"id":"a"},"occurredAt":"2026-03-02T09:30:00Z","payload":{}"#
        #expect(refusal(base + "}") == nil)
        #expect(refusal(base + #","id":"0191d6dc-bc22-70ba-84d0-c5120bd70c99x"}"#)?.hasPrefix(#""id" is not a UUID"#) == true)
        #expect(refusal(base + #","id":"0191d6dcbc2270ba84d0c5120bd70c99"}"#)?.hasPrefix(#""id" is not a UUID"#) == true)
        #expect(refusal(base + #","expectedVersion":1e3}"#) == #""expectedVersion" is not a whole number from 0 to 9223372036854775807"#)
        #expect(refusal(base + #","extra":1}"#) == #"has an unknown field "extra""#)
        #expect(refusal(String(repeating: " ", count: 1 << 20) + base + "}") == "is longer than 1048576 bytes, the most a line may hold")
    }
}
