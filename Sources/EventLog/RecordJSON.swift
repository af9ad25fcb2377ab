import Foundation
import Merkle

extension LoggedRecord {
    /// The record as one line of JSON: the envelope fields of an input line plus what
    /// the store assigned (sequence, stream version, recorded-at, hashes), with the
    /// payload written by `payload` as one JSON value. Its names are in
    /// `JSONText.sortedKeys` order, at every depth.
    public func jsonLine(payload: (Record, inout JSONText) throws -> Void) throws -> String {
        var json = JSONText()
        json.openObject()
        json.key("actor")
        json.openObject()
        json.key("id"); json.string(record.actor.id)
        json.key("role"); json.string(record.actor.role)
        json.closeObject()
        if let id = UUID(bytes: record.causationID) { json.key("causationId"); json.string(id.uuidString.lowercased()) }
        if let id = UUID(bytes: record.correlationID) { json.key("correlationId"); json.string(id.uuidString.lowercased()) }
        json.key("hash"); json.string(chainHash.hex)
        json.key("id"); json.string(record.eventIDText)
        json.key("occurredAt"); json.string(Timestamp.format(micros: record.occurredAtMicros))
        json.key("payload"); try payload(record, &json)
        json.key("previousHash"); json.string(Array(record.previousHash).hex)
        json.key("recordedAt"); json.string(Timestamp.format(micros: record.recordedAtMicros))
        json.key("schemaVersion"); json.number(UInt64(record.schemaVersion))
        json.key("sequence"); json.number(record.sequence)
        json.key("stream"); json.string(record.streamID)
        json.key("streamVersion"); json.number(record.streamVersion)
        json.key("type"); json.string(record.eventType)
        json.closeObject()
        return json.text
    }
}

extension Data {
    var hexString: String { Array(self).hex }
}
