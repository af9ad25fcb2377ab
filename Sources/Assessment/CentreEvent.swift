import EventLog
import Foundation
import SwiftProtobuf

/// A domain event ready to append: the typed payload and the envelope that carries it.
public struct CentreEvent: Sendable {
    public let event: DomainEvent
    /// The envelope, with the stream derived from the payload and the payload in binary.
    public let draft: EventDraft

    /// Wraps `event`, recorded by `actor` at `occurredAt`.
    public init(_ event: DomainEvent, actor: Actor, occurredAt: Date, id: UUID = .timeOrdered()) throws {
        self.event = event
        draft = EventDraft(
            id: id, streamID: event.streamID, eventType: event.type.rawValue,
            schemaVersion: event.type.currentVersion, occurredAt: occurredAt, actor: actor,
            payload: try event.binaryPayload())
    }

    /// Reads one NDJSON line: the envelope of `attest append` with a proto3 JSON payload
    /// of a known event type. The stream may be left out; if given it must be the derived one.
    public init(line: some StringProtocol) throws {
        let envelope: EventDraft
        do {
            envelope = try EventLine.parse(line)
        } catch let error as EventLineError {
            throw EventInputError(error.problem)
        }
        guard let type = EventType(rawValue: envelope.eventType) else {
            throw EventInputError("unknown event type \"\(envelope.eventType)\"")
        }
        // A line without a schemaVersion is written at the current one; an older one is
        // accepted (for input made by older tools), stored as given and upcast when read.
        let version = envelope.schemaVersion == 0 ? type.currentVersion : envelope.schemaVersion
        guard let storedType = Upcasters.storedType(type, version: version) else {
            throw EventInputError("\(type.rawValue) has schema \(Upcasters.versions(of: type)), not \(version)")
        }
        if version < type.oldestInputVersion {
            throw EventInputError(
                "\(type.rawValue) schema version \(version) is read in stored records but no longer appended; write version \(type.oldestInputVersion) or later")
        }
        let stored: any SwiftProtobuf.Message
        do {
            stored = try storedType.init(jsonUTF8Bytes: envelope.payload, options: .init())
        } catch let error as JSONDecodingError {
            let named = version == type.currentVersion ? type.rawValue : "\(type.rawValue) version \(version)"
            throw EventInputError("payload of \(named): \(Self.explain(error))")
        }
        let event = try DomainEvent(type: type, version: version, message: stored)
        if !envelope.streamID.isEmpty, envelope.streamID != event.streamID {
            throw EventInputError("stream must be \(event.streamID) for this event (or be left out), not \(envelope.streamID)")
        }
        var draft = envelope
        draft.streamID = event.streamID
        draft.schemaVersion = version
        draft.payload = try stored.serializedData()
        self.event = event
        self.draft = draft
    }

    private static func explain(_ error: JSONDecodingError) -> String {
        switch error {
        case let .unknownField(name): "unknown field \"\(name)\""
        case .unrecognizedEnumValue: "a value is not one of its enumeration's names"
        case .malformedNumber: "a number is malformed"
        case .malformedString: "a string is malformed"
        case .numberRange: "a number is out of range"
        default: "\(error)"
        }
    }
}

/// Why an input line is not an event the centre can record.
public struct EventInputError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
