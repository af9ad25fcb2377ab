import Foundation
import Merkle

extension LoggedRecord {
    /// The record as one line of JSON: the envelope fields of an input line plus what
    /// the store assigned (sequence, stream version, recorded-at, hashes), with the
    /// payload rendered by `payload` (a JSON value).
    public func jsonLine(payload: (Record) throws -> Any) throws -> String {
        var object: [String: Any] = [
            "sequence": record.sequence,
            "id": record.eventIDText,
            "stream": record.streamID,
            "streamVersion": record.streamVersion,
            "type": record.eventType,
            "schemaVersion": record.schemaVersion,
            "recordedAt": Timestamp.format(micros: record.recordedAtMicros),
            "occurredAt": Timestamp.format(micros: record.occurredAtMicros),
            "actor": ["id": record.actor.id, "role": record.actor.role],
            "previousHash": Array(record.previousHash).hex,
            "hash": chainHash.hex,
        ]
        if let id = UUID(bytes: record.correlationID) { object["correlationId"] = id.uuidString.lowercased() }
        if let id = UUID(bytes: record.causationID) { object["causationId"] = id.uuidString.lowercased() }
        object["payload"] = try payload(record)
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

extension Data {
    var hexString: String { Array(self).hex }
}
