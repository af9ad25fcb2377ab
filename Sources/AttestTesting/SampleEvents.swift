import EventLog
import Foundation

/// Small, valid events for tests.
public enum SampleEvents {
    public static let actor: Actor = {
        var actor = Actor()
        actor.id = "admin-1"
        actor.role = "centre_administrator"
        return actor
    }()

    /// A note event on `stream` with a small JSON payload.
    public static func note(
        _ stream: String = "learner-1", text: String = "hello", id: UUID = .timeOrdered(),
        expectedVersion: UInt64? = nil, payloadBytes: Int = 0
    ) -> EventDraft {
        let padding = String(repeating: "x", count: payloadBytes)
        return EventDraft(
            id: id, streamID: stream, eventType: "note.added",
            occurredAt: Date(timeIntervalSince1970: 1_772_443_800),  // 2026-03-02T09:30:00Z
            actor: actor, payload: Data(#"{"text":"\#(text)\#(padding)"}"#.utf8),
            expectedVersion: expectedVersion)
    }

    /// `count` notes spread over `streams` streams.
    public static func notes(_ count: Int, streams: Int = 10, prefix: String = "learner", payloadBytes: Int = 0) -> [EventDraft] {
        (0..<count).map { note("\(prefix)-\($0 % streams)", text: "note \($0)", payloadBytes: payloadBytes) }
    }
}
