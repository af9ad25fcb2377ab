import EventLog
import Foundation
import Records
import SwiftProtobuf

/// Writes events as NDJSON lines for `attest append`, with ids made from the seed.
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
        let millis = UInt64(date.timeIntervalSince1970 * 1000)
        var bytes = withUnsafeBytes(of: (millis << 16).bigEndian, Array.init)
            + withUnsafeBytes(of: random.next(), Array.init)
        bytes[6] = 0x70 | (bytes[6] & 0x0F)
        bytes[7] = UInt8(truncatingIfNeeded: random.next())
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        let hex = bytes.map { String($0, radix: 16).leftPadded() }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}

extension String {
    fileprivate func leftPadded() -> String { leftPadded(to: 2) }
}
