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
        var draft: EventDraft
        var read: EventType?
        do {
            draft = try EventLine.parse(line, limits: PayloadSchemas.centre.limits) { typeName, schemaVersion in
                guard let type = EventType(rawValue: typeName) else { throw EventInputError("unknown event type \(Quote.value(typeName))") }
                read = type
                let version = Self.version(schemaVersion, of: type)
                let schemas = Self.inputSchemas[type]!
                guard version < schemas.count, let schema = schemas[Int(version)] else {
                    throw EventInputError("\(type.rawValue) has schema \(Upcasters.versions(of: type)), not \(version)")
                }
                if version < type.oldestInputVersion {
                    throw EventInputError(
                        "\(type.rawValue) schema version \(version) is read in stored records but no longer appended; write version \(type.oldestInputVersion) or later")
                }
                return schema
            }
        } catch let error as EventLineError {
            throw EventInputError(error.problem)
        }
        if !draft.actor.role.isEmpty, !Self.roles.contains(draft.actor.role) {
            throw EventInputError(
                "\"actor.role\" \(Quote.value(draft.actor.role)) is not a role: write one of \(Self.roleNames), or leave it out")
        }
        // The type the payload was read as: the parse names none it has not read by.
        let type = read!
        draft.schemaVersion = Self.version(draft.schemaVersion, of: type)
        let event = try DomainEvent(type: type, version: draft.schemaVersion, binary: draft.payload)
        let stream = event.streamID
        if !draft.streamID.isEmpty, draft.streamID != stream {
            throw EventInputError("stream must be \(stream) for this event (or be left out), not \(Quote.value(draft.streamID))")
        }
        draft.streamID = stream
        self.event = event
        self.draft = draft
    }

    /// The schema version a line is written in: as it says, or the current one when it
    /// says none. An older one is accepted (for input made by older tools), stored as
    /// given and upcast when read.
    private static func version(_ given: UInt32, of type: EventType) -> UInt32 {
        given == 0 ? type.currentVersion : given
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
        do {
            let schemas = PayloadSchemas.centre
            let binary = try schemas.binary(
                ofJSON: Array(json.utf8)[...], as: schemas.message(Attest_V1_Specification.self)!, what: "the specification")
            return try Attest_V1_Specification(serializedBytes: binary)
        } catch let error as EventLineError {
            throw EventInputError(error.problem)
        }
    }

    /// The schema each type's payload is read with, by schema version (none at 0).
    private static let inputSchemas: [EventType: [EventLine.PayloadSchema?]] = Dictionary(uniqueKeysWithValues: EventType.allCases.map { type in
        (type, (0...type.currentVersion).map { version in
            Upcasters.storedType(type, version: version).map { stored in
                let named = version == type.currentVersion ? type.rawValue : "\(type.rawValue) version \(version)"
                return EventLine.PayloadSchema(message: PayloadSchemas.centre.message(stored)!, what: "payload of \(named)")
            }
        })
    })

    /// The roles an envelope's `actor.role` may name.
    private static let roles = Attest_V1_StaffRole.allCases.filter { $0 != .unspecified }.map(\.envelopeName) + [RuleContext.learnerRole]
    private static let roleNames = roles.joined(separator: ", ")
}

extension PayloadSchemas {
    /// The schemas of a centre's payloads and specifications (`Records`' descriptors),
    /// held to the centre's `InputLimits`. Made from generated descriptors, which
    /// `PayloadReaderTests` read in full, so making them cannot fail.
    public static let centre = try! PayloadSchemas(
        fileDescriptorSet: Data(base64Encoded: PayloadDescriptors.fileDescriptorSet, options: .ignoreUnknownCharacters)!,
        limits: .centre)
}

/// Why an input line is not an event the centre can record.
public struct EventInputError: Error, CustomStringConvertible {
    public let description: String
    package init(_ description: String) { self.description = description }
}

extension Actor {
    /// Staff member `id` recording as a centre administrator: who the commands that record
    /// for the centre itself (a specification's import, an erasure) name.
    public static func administrator(_ id: String) -> Actor {
        var actor = Actor()
        actor.id = id
        actor.role = Attest_V1_StaffRole.centreAdministrator.envelopeName
        return actor
    }
}
