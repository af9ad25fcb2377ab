import EventLog
import Foundation

extension LoggedRecord {
    /// The record as one line of JSON with its payload decoded to proto3 JSON, in the
    /// schema version it was stored with (not upcast).
    public func domainJSONLine() throws -> String {
        try jsonLine { record in
            try JSONSerialization.jsonObject(with: Data(DomainEvent.storedMessage(of: record).jsonString().utf8))
        }
    }
}
