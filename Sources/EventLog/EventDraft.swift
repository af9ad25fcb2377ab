import Foundation
import Merkle

/// The stored record: the protobuf envelope of `Schemas/attest/v1/record.proto`.
public typealias Record = Attest_V1_Record
/// Who recorded an event.
public typealias Actor = Attest_V1_Actor

/// An event to append: everything in the record except what the store assigns
/// (sequence, stream version, recorded-at and the previous hash).
public struct EventDraft: Sendable, Equatable {
    /// The event's identity; appending the same id twice is idempotent.
    public var id: UUID
    public var streamID: String
    public var eventType: String
    public var schemaVersion: UInt32
    /// When the event happened, as the caller says: microseconds since 1970-01-01T00:00:00Z.
    public var occurredAtMicros: Int64
    public var actor: Actor
    public var correlationID: UUID?
    public var causationID: UUID?
    public var payload: Data
    /// The stream's version before this event (0: the stream must not exist yet);
    /// `nil` appends whatever the stream's version.
    public var expectedVersion: UInt64?

    public init(
        id: UUID = .timeOrdered(), streamID: String, eventType: String, schemaVersion: UInt32 = 1,
        occurredAtMicros: Int64, actor: Actor, correlationID: UUID? = nil, causationID: UUID? = nil,
        payload: Data, expectedVersion: UInt64? = nil
    ) {
        self.id = id
        self.streamID = streamID
        self.eventType = eventType
        self.schemaVersion = schemaVersion
        self.occurredAtMicros = occurredAtMicros
        self.actor = actor
        self.correlationID = correlationID
        self.causationID = causationID
        self.payload = payload
        self.expectedVersion = expectedVersion
    }

    /// A draft of an event that happened at `occurredAt` (kept to the microsecond).
    public init(
        id: UUID = .timeOrdered(), streamID: String, eventType: String, schemaVersion: UInt32 = 1,
        occurredAt: Date, actor: Actor, payload: Data, expectedVersion: UInt64? = nil
    ) {
        self.init(
            id: id, streamID: streamID, eventType: eventType, schemaVersion: schemaVersion,
            occurredAtMicros: occurredAt.microsecondsSinceEpoch, actor: actor, payload: payload, expectedVersion: expectedVersion)
    }

    /// When the event happened, as a `Date` (its microseconds, to the nearest a `Date` holds).
    public var occurredAt: Date {
        get { Date(microsecondsSinceEpoch: occurredAtMicros) }
        set { occurredAtMicros = newValue.microsecondsSinceEpoch }
    }

    /// Longest stream id accepted, in UTF-8 bytes (stream index keys must fit LMDB's key limit).
    public static let maxStreamIDLength = 255

    /// Why this draft cannot be stored, or `nil` when it can.
    func problem() -> String? {
        if streamID.isEmpty { return "stream is empty" }
        if streamID.utf8.count > Self.maxStreamIDLength {
            return "stream is longer than \(Self.maxStreamIDLength) bytes"
        }
        if streamID.utf8.withContiguousStorageIfAvailable({ $0.contains(0) }) ?? streamID.utf8.contains(0) {
            return "stream contains a NUL character"
        }
        if eventType.isEmpty { return "type is empty" }
        if schemaVersion == 0 { return "schema version must be 1 or more" }
        if actor.id.isEmpty { return "actor id is empty" }
        return nil
    }

    /// Whether `record`, whose payload (its sealed fields opened) is `payload`, holds this
    /// draft's content (what idempotent appends compare).
    func matches(_ record: Record, payload: Data) -> Bool {
        record.eventID == Data(id.bytes)
            && record.streamID == streamID
            && record.eventType == eventType
            && record.schemaVersion == schemaVersion
            && record.occurredAtMicros == occurredAtMicros
            && record.actor == actor
            && record.correlationID == Data(correlationID?.bytes ?? [])
            && record.causationID == Data(causationID?.bytes ?? [])
            && self.payload == payload
    }
}

/// Where an appended event landed.
public struct Appended: Sendable, Equatable {
    public let sequence: UInt64
    public let streamVersion: UInt64
    /// True when the event id was already in the log with the same content: nothing was appended.
    public let duplicate: Bool
}

/// An event about to be appended, as a validator sees it.
public struct AppendingEvent: Sendable {
    /// Its position in the batch.
    public let index: Int
    public let draft: EventDraft
    /// The sequence it will have.
    public let sequence: UInt64
    /// The store's clock for this batch, in microseconds since 1970-01-01T00:00:00Z.
    public let recordedAtMicros: Int64
}

/// The end of the log: its size, the last chain hash and the Merkle root.
public struct Head: Sendable, Equatable {
    /// The last sequence (the number of records).
    public let sequence: UInt64
    /// The chain hash of the last record (32 zero bytes for an empty log).
    public let chainHash: Hash
    /// The RFC 9162 root of the Merkle tree over all records.
    public let merkleRoot: Hash
}
