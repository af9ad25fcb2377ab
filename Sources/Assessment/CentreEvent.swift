import EventLog
import Foundation
import Records
import SwiftProtobuf

/// A domain event ready to append: the typed payload and the envelope that carries it.
public struct CentreEvent: Sendable {
    public let event: DomainEvent
    /// The envelope, with the stream derived from the payload and the payload in binary.
    public let draft: EventDraft

    /// Wraps `event`, recorded by `actor` at `occurredAt`. With `expectedVersion`, the
    /// append is refused unless the event's stream (`event.streamID`) is at that version
    /// (0: it holds no event yet), as an NDJSON line's `expectedVersion` does.
    public init(
        _ event: DomainEvent, actor: Actor, occurredAt: Date, id: UUID = .timeOrdered(), expectedVersion: UInt64? = nil
    ) throws {
        self.event = event
        draft = EventDraft(
            id: id, streamID: event.streamID, eventType: event.type.rawValue,
            schemaVersion: event.type.currentVersion, occurredAt: occurredAt, actor: actor,
            payload: try event.binaryPayload(), expectedVersion: expectedVersion)
    }

    /// Reads one NDJSON line: the envelope of an appended line with a proto3 JSON payload
    /// of a known event type. The stream may be left out; if given it must be the derived one.
    /// The line is read strictly, within the centre's `InputLimits` (`docs/events.md`):
    /// valid UTF-8, no field twice, enumeration values the schema names, lengths bounded.
    /// - Throws: `EventInputError` naming the field and what is wrong with it.
    public init(line: ArraySlice<UInt8>) throws {
        let envelope: EventDraft
        do {
            envelope = try EventLine.parse(line, limits: .centre)
        } catch let error as EventLineError {
            throw EventInputError(error.problem)
        }
        guard let type = EventType(rawValue: envelope.eventType) else {
            throw EventInputError("unknown event type \(Quote.value(envelope.eventType))")
        }
        if !envelope.actor.role.isEmpty, envelope.actor.role != RuleContext.learnerRole,
           !Attest_V1_StaffRole.allCases.contains(where: { $0 != .unspecified && $0.envelopeName == envelope.actor.role }) {
            throw EventInputError(
                "\"actor.role\" \(Quote.value(envelope.actor.role)) is not a role: write one of \(Self.roleNames), or leave it out")
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
        let named = version == type.currentVersion ? type.rawValue : "\(type.rawValue) version \(version)"
        let stored = try Self.decode(envelope.payload, as: storedType, what: "payload of \(named)", path: "payload.")
        let event = try DomainEvent(type: type, version: version, message: stored)
        if !envelope.streamID.isEmpty, envelope.streamID != event.streamID {
            throw EventInputError("stream must be \(event.streamID) for this event (or be left out), not \(Quote.value(envelope.streamID))")
        }
        var draft = envelope
        draft.streamID = event.streamID
        draft.schemaVersion = version
        draft.payload = try stored.serializedData()
        self.event = event
        self.draft = draft
    }

    /// Reads one NDJSON line of text; see `init(line:)` for bytes.
    public init(line: some StringProtocol) throws {
        try self.init(line: Array(line.utf8)[...])
    }

    /// Reads a specification from its proto3 JSON as strictly as a line's payload, for an
    /// import recorded by `actor`.
    /// - Throws: `EventInputError` naming what is wrong.
    public static func specification(json: String, actor: String) throws -> Attest_V1_Specification {
        if let problem = FieldLimit.reference.problem(with: actor.utf8) {
            throw EventInputError("the actor \(problem)")
        }
        let bytes = Array(json.utf8)
        do {
            _ = try StrictJSON.members(of: bytes[...], limits: .centre)
        } catch let error as EventLineError {
            throw EventInputError("the specification \(error.problem)")
        }
        return try decode(Data(bytes), as: Attest_V1_Specification.self, what: "the specification", path: "")
            as! Attest_V1_Specification
    }

    /// Decodes proto3 JSON that `StrictJSON` has passed, refusing enumeration values the
    /// schema does not name. A refusal names `what` was decoded and the field (after
    /// `path`): the fields are tried one at a time to find it.
    static func decode(
        _ json: Data, as type: any SwiftProtobuf.Message.Type, what: String, path: String
    ) throws -> any SwiftProtobuf.Message {
        func decode(_ bytes: Data) throws -> any SwiftProtobuf.Message {
            let message = try type.init(jsonUTF8Bytes: bytes, options: .init())
            try NamedEnumValues.check(message)
            return message
        }
        do {
            return try decode(json)
        } catch {
            // The payload has passed `StrictJSON`, so its members are well formed.
            let bytes = Array(json)
            for (name, range) in (try? StrictJSON.members(of: bytes[...], limits: .centre)) ?? [] {
                do {
                    _ = try decode(Data("{".utf8) + JSONEncoder().encode(name) + Data(":".utf8) + bytes[range] + Data("}".utf8))
                } catch JSONDecodingError.unknownField(let unknown) where unknown == name {
                    throw EventInputError("\(what): unknown field \(Quote.value(name))")
                } catch let fieldError {
                    throw EventInputError("\(what): \(Quote.value(path + name)) \(explain(fieldError))")
                }
            }
            throw EventInputError("\(what): \(explain(error))")
        }
    }

    private static func explain(_ error: any Error) -> String {
        switch error {
        case let unnamed as NamedEnumValues.Unnamed: "holds \(unnamed.value), which is not a value of \(unnamed.enumeration); write the value's name"
        case JSONDecodingError.unknownField(let name): "has an unknown field \(Quote.value(name))"
        case JSONDecodingError.unrecognizedEnumValue: "is not one of its enumeration's names"
        case JSONDecodingError.malformedNumber: "is not a number of its kind (whole numbers are written without a fraction or exponent)"
        case JSONDecodingError.numberRange: "is a number out of its range"
        case JSONDecodingError.malformedString: "is not a string"
        case JSONDecodingError.malformedBool: "is not true or false"
        case JSONDecodingError.unquotedMapKey, JSONDecodingError.malformedMap: "is not a map"
        default: "has a value of the wrong type or shape"
        }
    }

    private static let roleNames = (Attest_V1_StaffRole.allCases.filter { $0 != .unspecified }.map(\.envelopeName) + [RuleContext.learnerRole])
        .joined(separator: ", ")
}

/// Why an input line is not an event the centre can record.
public struct EventInputError: Error, CustomStringConvertible {
    public let description: String
    package init(_ description: String) { self.description = description }
}
