import EventLog
import Foundation

/// Synthetic records of a fixed payload size, appended straight to the log (no rules):
/// they measure and load the log layer only and are not domain events.
struct Workload {
    let payloadBytes: Int
    private let started = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    /// A batch of `count` events on stream `stream`, versions following `after`.
    func batch(stream: String, count: Int, after version: UInt64 = 0) -> [EventDraft] {
        var actor = Actor()
        actor.id = "assessor-7"
        actor.role = "assessor"
        return (0..<count).map { i in
            EventDraft(
                streamID: stream, eventType: "benchmark.synthetic",
                occurredAt: started.addingTimeInterval(Double(i)), actor: actor,
                payload: payload(seed: i), expectedVersion: version + UInt64(i))
        }
    }

    /// A JSON payload of exactly `payloadBytes` bytes.
    private func payload(seed: Int) -> Data {
        let head = #"{"learner":"\#(1_000_000_000 + seed % 9_000)","unit":"A/506/2130","criteria":["1.1","1.2"],"feedback":""#
        let tail = #""}"#
        let filler = String(repeating: "x", count: max(0, payloadBytes - head.utf8.count - tail.utf8.count))
        return Data((head + filler + tail).utf8)
    }
}
