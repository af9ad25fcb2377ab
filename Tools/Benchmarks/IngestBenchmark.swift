import ArgumentParser
import Assessment
import Centre
import EventLog
import Foundation
import Projections
import Records
import Simulation
import SwiftProtobuf

/// What `attest append` does, end to end — NDJSON bytes parsed, checked by the rules,
/// applied to the inline reports and committed — beside appending the same events to
/// the bare log (no rules, no reports), in one run, taking turns.
struct IngestBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Measure `attest append` end to end beside the bare log append of the same events."
    )

    @Option(help: "Learners in the generated centre.")
    var learners = 2_000

    @Option(help: "Events per batch (one write transaction each).")
    var batchSize = 1_000

    @Option(help: "Runs; the figures are medians.")
    var runs = 3

    @Option(help: "Batches ingested, then appended bare, in each turn: the disk's speed drifts, so the two take turns.")
    var batchesPerTurn = 20

    @Option(help: "Directory for the scratch stores (removed afterwards).")
    var directory = NSTemporaryDirectory()

    func run() throws {
        var lines: [ArraySlice<UInt8>] = []
        try CentreGenerator(learners: learners, seed: 1, specification: Qualifications.customerServiceLevel2).generate {
            lines.append(Array($0.utf8)[...])
        }
        let bytes = lines.reduce(0) { $0 + $1.count + 1 }
        let drafts = try lines.map { try CentreEvent(line: $0).draft }
        // Each line's payload as written (generated lines end with it), and the message it is read as.
        let payloads = lines.map { line in
            let text = String(decoding: line, as: UTF8.self)
            let type = EventType(rawValue: String(text.split(separator: #""type":""#)[1].prefix { $0 != "\"" }))!
            let payload = text.utf8.firstRange(of: #","payload":"#.utf8)!.upperBound
            return (json: Array(text.utf8[payload...].dropLast()), type: Upcasters.storedType(type, version: type.currentVersion)!)
        }
        let schemas = PayloadSchemas.centre
        let payloadSchemas = payloads.map { schemas.message($0.type)! }
        let types = drafts.map { EventType(rawValue: $0.eventType)! }
        let turn = batchSize * batchesPerTurn
        var figures: [String: [Double]] = [:]
        for run in 1...runs {
            figures["parse", default: []].append(try measure(lines.count) { for line in lines { _ = try CentreEvent(line: line) } })
            figures["payload reader", default: []].append(try measure(lines.count) {
                for (payload, schema) in zip(payloads, payloadSchemas) { _ = try schemas.binary(ofJSON: payload.json[...], as: schema, what: "") }
            })
            figures["payload decode", default: []].append(try measure(lines.count) {
                for (draft, type) in zip(drafts, types) { _ = try DomainEvent(type: type, version: draft.schemaVersion, binary: draft.payload) }
            })
            figures["payload swift-protobuf", default: []].append(try measure(lines.count) {
                for payload in payloads { _ = try payload.type.init(jsonUTF8Bytes: payload.json, options: .init()).serializedBytes() as [UInt8] }
            })
            let root = URL(fileURLWithPath: directory).appendingPathComponent("attest-ingest-\(getpid())-\(run)").path
            defer { try? FileManager.default.removeItem(atPath: root) }
            let store = try CentreStore.create(at: root + "/centre", projections: CentreStore.reports)
            let log = try EventLog.create(at: root + "/log")
            var seconds: [String: Double] = [:]
            for start in stride(from: 0, to: lines.count, by: turn) {
                let range = start..<min(start + turn, lines.count)
                var next = range.lowerBound
                seconds["ingest", default: 0] += try time {
                    try store.append(nextLine: {
                        defer { next += 1 }
                        return next < range.upperBound ? lines[next] : nil
                    }, batchSize: batchSize) { _, _ in }
                }
                seconds["bare", default: 0] += try time {
                    for batch in stride(from: range.lowerBound, to: range.upperBound, by: batchSize) {
                        try log.append(Array(drafts[batch..<min(batch + batchSize, range.upperBound)]))
                    }
                }
            }
            for (name, elapsed) in seconds { figures[name, default: []].append(Double(lines.count) / elapsed) }
            print("run \(run): " + figures.keys.sorted().map { "\($0) \(Int(figures[$0]!.last!))/s" }.joined(separator: ", "))
        }
        let median = figures.mapValues { $0.sorted()[$0.count / 2] }
        let ingest = median["ingest"]!, bare = median["bare"]!
        print("""

            generated centre: \(learners) learners, \(lines.count) events (\(bytes >> 10) KiB of NDJSON), batches of \(batchSize), median of \(runs) runs (events/s)
              parse NDJSON into events, one core                 \(Int(median["parse"]!))   (target 500000)
              payload JSON to binary: the payload reader         \(Int(median["payload reader"]!))
              payload JSON to binary: swift-protobuf             \(Int(median["payload swift-protobuf"]!))   (the reader: \(String(format: "%.1f", median["payload reader"]! / median["payload swift-protobuf"]!))×)
              payload binary to typed event (swift-protobuf)     \(Int(median["payload decode"]!))   (part of parsing)
              bare log append (no rules, no reports)             \(Int(bare))
              attest append (parse, rules, reports, commit)      \(Int(ingest))
            \(percent(ingest, of: bare)) of bare log append (target 60%)
            """)
    }
}
