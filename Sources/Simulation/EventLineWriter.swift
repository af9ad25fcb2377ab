import EventLog
import Foundation
import Records
import SwiftProtobuf

/// Writes events as NDJSON lines to append, with ids made from the seed.
struct EventLineWriter {
    var random: SeededRandom
    let emit: (String) throws -> Void

    /// One line: the event's type and payload, recorded by `actor` (in `role`) at `date`.
    mutating func write(
        _ type: String, _ payload: some SwiftProtobuf.Message, by actor: String, as role: String, at date: Date
    ) throws {
        let id = timeOrderedID(at: date)
        let json = try payload.jsonString()
        try emit(#"{"id":"\#(id)","type":"\#(type)","actor":{"id":"\#(actor)","role":"\#(role)"},"occurredAt":"\#(Timestamp.format(date))","payload":\#(json)}"#)
    }

    /// A version 7 UUID for `date` whose random bits come from the seed.
    private mutating func timeOrderedID(at date: Date) -> String {
        let randomB = random.next().byteSwapped, randomA = UInt64(UInt8(truncatingIfNeeded: random.next()))
        return UUID.version7(millis: UInt64(date.timeIntervalSince1970 * 1000), randomA: randomA, randomB: randomB)
            .uuidString.lowercased()
    }
}
