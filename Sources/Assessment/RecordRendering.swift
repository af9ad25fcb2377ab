import EventLog
import Foundation

extension LoggedRecord {
    /// The record as one line of JSON with its payload decoded to proto3 JSON.
    public func domainJSONLine() throws -> String {
        try jsonLine { record in
            guard let type = EventType(rawValue: record.eventType) else {
                throw PayloadError("sequence \(record.sequence) has an unknown event type \(record.eventType)")
            }
            let event = try DomainEvent(type: type, version: record.schemaVersion, binary: record.payload)
            return try JSONSerialization.jsonObject(with: Data(event.jsonPayload().utf8))
        }
    }
}
