import EventLog
import Foundation
import Simulation
import Testing

@Suite struct TimestampTests {
    @Test func formatAgreesWithFoundationsISO8601ToTheMicrosecond() throws {
        var random = SeededRandom(seed: 7)
        for _ in 0..<2_000 {
            // 1900 to 2100, to the microsecond; every fourth instant on a whole second.
            var micros = Int64.random(in: -2_208_988_800_000_000..<4_102_444_800_000_000, using: &random)
            if Bool.random(using: &random) && Bool.random(using: &random) { micros -= micros % 1_000_000 }
            let date = Date(microsecondsSinceEpoch: micros)
            let text = Timestamp.format(date)
            let seconds = Date(timeIntervalSince1970: Double((micros - (micros % 1_000_000 + 1_000_000) % 1_000_000) / 1_000_000))
            #expect(text.prefix(19) == seconds.formatted(.iso8601).prefix(19), "\(micros)")
            let fraction = (micros % 1_000_000 + 1_000_000) % 1_000_000
            #expect(text.dropFirst(19) == (fraction == 0 ? "Z" : "." + String(1_000_000 + fraction).dropFirst() + "Z"), "\(text)")
        }
        #expect(Timestamp.format(Date(microsecondsSinceEpoch: 0)) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.format(Date(microsecondsSinceEpoch: 951_782_400_000_001)) == "2000-02-29T00:00:00.000001Z")
        #expect(Timestamp.format(Date(microsecondsSinceEpoch: -1)) == "1969-12-31T23:59:59.999999Z")
    }

    @Test func parseReadsWhatFormatWritesToTheMicrosecond() throws {
        var random = SeededRandom(seed: 11)
        for _ in 0..<5_000 {
            let micros = Int64.random(in: -2_208_988_800_000_000..<4_102_444_800_000_000, using: &random)
            let text = Timestamp.format(Date(microsecondsSinceEpoch: micros))
            #expect(Timestamp.parse(text)?.microsecondsSinceEpoch == micros, "\(text)")
        }
        // Foundation's parser is a microsecond out here.
        #expect(Timestamp.parse("2050-06-15T12:34:56.007919Z")?.microsecondsSinceEpoch == 2_538_909_296_007_919)
    }

    @Test func parseAgreesWithFoundationOnWholeSecondsAndOffsets() throws {
        var random = SeededRandom(seed: 13)
        for _ in 0..<2_000 {
            let seconds = Int64.random(in: -2_208_988_800..<4_102_444_800, using: &random)
            // Within ±18 hours, as far as TimeZone goes (Foundation writes ±18:00 itself as Z).
            let minutes = Int.random(in: -(18 * 60 - 1)...(18 * 60 - 1), using: &random)
            let style = Date.ISO8601FormatStyle(timeZoneSeparator: .colon, timeZone: TimeZone(secondsFromGMT: minutes * 60)!)
            let text = Date(timeIntervalSince1970: Double(seconds)).formatted(style)
            #expect(Timestamp.parse(text)?.microsecondsSinceEpoch == seconds * 1_000_000, "\(text)")
        }
    }

    @Test func parseAcceptsRFC3339sVariants() throws {
        func micros(_ text: String) -> Int64? { Timestamp.parse(text)?.microsecondsSinceEpoch }
        let base: Int64 = 1_772_443_800_000_000  // 2026-03-02T09:30:00Z
        #expect(micros("2026-03-02T09:30:00Z") == base)
        #expect(micros("2026-03-02t09:30:00z") == base)
        #expect(micros("2026-03-02T10:30:00+01:00") == base)
        #expect(micros("2026-03-02T04:00:00-05:30") == base)
        #expect(micros("2026-03-02T09:30:00.5Z") == base + 500_000)
        #expect(micros("2026-03-02T09:30:00.000001Z") == base + 1)
        #expect(micros("2026-03-02T09:30:00.1234565Z") == base + 123_457)
        #expect(micros("2026-03-02T09:30:00.123456499Z") == base + 123_456)
        #expect(micros("2026-03-02T09:29:59.9999996Z") == base)
        #expect(micros("2024-02-29T00:00:00Z") == 1_709_164_800_000_000)
        #expect(micros("2000-02-29T00:00:00Z") == 951_782_400_000_000)
    }

    @Test func parseRefusesWhatIsNotAnRFC3339DateTime() throws {
        for text in [
            "2026-02-30T09:30:00Z", "2025-02-29T09:30:00Z", "1900-02-29T00:00:00Z", "2026-13-01T09:30:00Z",
            "2026-00-10T09:30:00Z", "2026-04-31T09:30:00Z", "2026-03-00T09:30:00Z", "2026-03-02T24:00:00Z",
            "2026-03-02T09:60:00Z", "2026-03-02T09:30:60Z", "2026-3-2T09:30:00Z", "2026-03-02 09:30:00Z",
            "2026-03-02T09:30Z", "2026-03-02T09:30:00", "2026-03-02T09:30:00.Z", "2026-03-02T09:30:00+0100",
            "2026-03-02T09:30:00+24:00", "2026-03-02T09:30:00Z ", "+2026-03-02T09:30:00Z", "2026-03-02", "yesterday", "",
        ] {
            #expect(Timestamp.parse(text) == nil, "\(text)")
        }
    }
}
