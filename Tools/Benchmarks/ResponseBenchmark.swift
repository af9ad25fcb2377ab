import ArgumentParser
import Foundation
import Server

/// Writing an append's answer, the response to every `POST /v1/events`: with `JSONText`
/// (`AppendedEvents.json`) beside `JSONEncoder` with the server's options, in turns.
struct ResponseBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "response",
        abstract: "Measure writing an append's answer beside JSONEncoder."
    )

    @Option(help: "Events an answer lists (a request of one event is the usual case).")
    var events = 1

    @Option(help: "Runs; the figures are medians.")
    var runs = 5

    func run() throws {
        let answer = AppendedEvents(appended: (0..<events).map { index in
            .init(line: index + 1, sequence: 1_234_567 + UInt64(index), streamVersion: 3, duplicate: false)
        })
        let encoder = JSONBody.encoder()
        guard answer.json == Array(try encoder.encode(answer)) else { throw ValidationError("the answer written with JSONText differs from JSONEncoder's") }
        let repeats = max(1, 200_000 / events)
        var byHand: [Double] = [], library: [Double] = []
        var sink = 0
        for _ in 0..<runs {
            byHand.append(try measure(repeats) { for _ in 0..<repeats { sink &+= answer.json.count } })
            library.append(try measure(repeats) { for _ in 0..<repeats { sink &+= try encoder.encode(answer).count } })
        }
        let median = { (values: [Double]) in values.sorted()[values.count / 2] }
        print("""
            an append's answer listing \(events) event(s), \(answer.json.count) bytes, median of \(runs) runs (answers/s)
              JSONText (AppendedEvents.json)    \(Int(median(byHand)))   (\(String(format: "%.1f", median(byHand) / median(library)))× JSONEncoder)
              JSONEncoder, sorted keys          \(Int(median(library)))
            """)
        if sink == 0 { print("") }
    }
}
