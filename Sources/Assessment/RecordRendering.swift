import EventLog
import Foundation

extension LoggedRecord {
    /// The record as one line of JSON with its payload decoded to proto3 JSON.
    public func domainJSONLine() throws -> String {
        try jsonLine { record in
            try JSONSerialization.jsonObject(with: Data(DomainEvent(record: record).jsonPayload().utf8))
        }
    }
}
