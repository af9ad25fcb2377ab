import EventLog
import Foundation

extension LoggedRecord {
    /// The record as one line of JSON with its payload decoded to proto3 JSON, in the
    /// schema version it was stored with (not upcast), its sealed fields opened by `open`
    /// (`Record.openedPayload(by:)`).
    public func domainJSONLine(opening open: (Record, SealedField) throws -> Data?) throws -> String {
        try jsonLine { record, json in
            try PayloadSchemas.centre.writeJSON(of: DomainEvent.storedMessage(of: record, payload: record.openedPayload(by: open)), to: &json)
        }
    }
}
