/// A value as a refusal quotes it: in double quotes, with control characters escaped, and
/// cut to `maxCharacters` so that a huge value never floods a terminal or a log.
public enum Quote {
    /// The most characters of a value a refusal shows.
    public static let maxCharacters = 80

    /// `text` quoted, for example `"assessor-1"`, or `"aaaa…" (10485760 bytes)` when long.
    public static func value(_ text: some StringProtocol) -> String {
        var shown = ""
        var count = 0
        for character in text {
            if count == maxCharacters {
                return "\"\(shown)…\" (\(text.utf8.count) bytes)"
            }
            shown += character.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
                ? String(character)
                : character.unicodeScalars.map { "\\u{\(String($0.value, radix: 16))}" }.joined()
            count += 1
        }
        return "\"\(shown)\""
    }
}
