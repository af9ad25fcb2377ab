import EventLog
import Foundation
import Testing

/// `JSONText` writes what `JSONSerialization` writes with `.sortedKeys` and
/// `.withoutEscapingSlashes`, byte for byte.
@Suite struct JSONTextTests {
    static func foundation(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }

    /// Every control character, the two that must be escaped, and characters a careless
    /// writer escapes or breaks: the slash, DEL, non-ASCII, astral and line separators.
    static let awkward: [String] = [
        String(String.UnicodeScalarView((0..<0x20).map { Unicode.Scalar(UInt8($0)) })),
        "\"quoted\" and \\back\\slashed/", "\u{7F}\u{80}\u{A0}é ñ Ł", "😀 𝄞", "\u{2028}\u{2029}\u{FEFF}\u{FFFE}", "", " ",
    ]

    @Test(arguments: awkward) func aStringIsEscapedAsFoundationEscapesIt(_ text: String) throws {
        var json = JSONText()
        json.openArray()
        json.string(text)
        json.closeArray()
        #expect(json.text == (try Self.foundation([text])))
    }

    @Test func namesAreInFoundationsSortedOrder() throws {
        let names = ["sampled", "sampleId", "unitId", "units", "a10", "a9", "learner_id", "learnerId", "X", "x", "aB", "Ab", "ab", "_z", "2", "10", "é", "e", "f"]
        let sorted = JSONText.sortedKeys(names)
        let written = try Self.foundation(Dictionary(uniqueKeysWithValues: names.map { ($0, 0) }))
        #expect(written == "{" + sorted.map { "\"\($0)\":0" }.joined(separator: ",") + "}")
    }

    @Test func valuesNestWithOneCommaBetweenEach() throws {
        var json = JSONText()
        json.openObject()
        json.key("a"); json.openArray(); json.number(Int64(1)); json.number(Int64(-2)); json.openObject(); json.closeObject(); json.openArray(); json.closeArray(); json.closeArray()
        json.key("b"); json.bool(true)
        json.key("c"); json.openObject(); json.key("d"); json.bool(false); json.key("e"); json.string("f"); json.closeObject()
        json.key("g"); json.number(UInt64.max)
        json.key("h"); json.value(Array(#"{"i":"j"}"#.utf8))
        json.closeObject()
        let expected: [String: Any] = ["a": [1, -2, [String: Any](), [Any]()] as [Any], "b": true, "c": ["d": false, "e": "f"] as [String: Any], "g": UInt64.max, "h": ["i": "j"]]
        #expect(json.text == (try Self.foundation(expected)))
    }
}
