import Foundation
@testable import Server
import Testing

/// An append's answer, written with `JSONText`, is byte for byte what the server's `JSONEncoder`
/// (`JSONBody.encoder()`) writes.
@Suite struct AppendedEventsTests {
    static func library(_ answer: AppendedEvents) throws -> [UInt8] {
        Array(try JSONBody.encoder().encode(answer))
    }

    @Test func theAnswerIsWhatJSONEncoderWrites() throws {
        var random = SystemRandomNumberGenerator()
        let edges: [AppendedEvents.Event] = [
            .init(line: 1, sequence: 1, streamVersion: 1, duplicate: false),
            .init(line: 0, sequence: 0, streamVersion: 0, duplicate: true),
            .init(line: .max, sequence: .max, streamVersion: .max, duplicate: false),
            .init(line: 1_000, sequence: 9_999_999_999, streamVersion: 10, duplicate: true),
        ]
        var answers = [AppendedEvents(appended: []), AppendedEvents(appended: edges)]
        for count in [1, 2, 3, 50, 1_000] {
            answers.append(AppendedEvents(appended: (0..<count).map { index in
                .init(line: index + 1, sequence: UInt64.random(in: 1...UInt64.max >> Int.random(in: 0...63, using: &random), using: &random),
                      streamVersion: UInt64.random(in: 1...100_000, using: &random), duplicate: Bool.random(using: &random))
            }))
        }
        for answer in answers {
            #expect(answer.json == (try Self.library(answer)), "\(answer.appended.count) events")
        }
    }
}
