import Assessment
import EventLog
import Foundation
import Merkle

/// A record's JSON line as the libraries write it: swift-protobuf's `jsonString()` of the
/// stored payload, read back and written again by Foundation's `JSONSerialization` with
/// sorted keys. `LoggedRecord.domainJSONLine` must give these bytes; tests check it does,
/// and `attest-bench encode` measures it beside them.
public enum ReferenceJSON {
    public static func line(of entry: LoggedRecord, opening open: (Record, SealedField) throws -> Data?) throws -> String {
        let record = entry.record
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
            "hash": entry.chainHash.hex,
        ]
        if let id = uuid(record.correlationID) { object["correlationId"] = id }
        if let id = uuid(record.causationID) { object["causationId"] = id }
        let payload = try DomainEvent.storedMessage(of: record.opened(by: open)).jsonString()
        object["payload"] = try JSONSerialization.jsonObject(with: Data(payload.utf8))
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }

    private static func uuid(_ bytes: Data) -> String? {
        guard bytes.count == 16 else { return nil }
        return bytes.withUnsafeBytes { NSUUID(uuidBytes: $0.bindMemory(to: UInt8.self).baseAddress!).uuidString.lowercased() }
    }
}
