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
}
