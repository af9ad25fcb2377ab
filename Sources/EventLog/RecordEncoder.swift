import Foundation
import Merkle

/// Writes the stored record bytes for an event straight into a reused buffer.
///
/// The output is byte for byte what swift-protobuf's `Record.serializedBytes()` gives
/// (fields in number order, defaults omitted; a test holds the two together), without
/// building the message or allocating per field: appending is encode-bound.
struct RecordEncoder {
    private(set) var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1024) }

    /// Encodes `draft` at `position` and calls `body` with the bytes, which are valid
    /// only during the call (the buffer is reused, never copied).
    mutating func encode<R>(
        _ draft: EventDraft, at position: Appended, recordedAt: Int64, previous: Hash,
        _ body: (UnsafeRawBufferPointer) throws -> R
    ) rethrows -> R {
        buffer.removeAll(keepingCapacity: true)
        varintField(1, position.sequence)
        uuidField(2, draft.id)
        stringField(3, draft.streamID)
        varintField(4, position.streamVersion)
        stringField(5, draft.eventType)
        varintField(6, UInt64(draft.schemaVersion))
        varintField(7, UInt64(bitPattern: recordedAt))
        varintField(8, UInt64(bitPattern: draft.occurredAt.microsecondsSinceEpoch))
        // The actor is always present, even when both its fields are empty.
        let id = draft.actor.id.utf8, role = draft.actor.role.utf8
        let actorLength = fieldSize(id.count) + fieldSize(role.count)
        tag(9, wireType: 2)
        varint(UInt64(actorLength))
        stringField(1, draft.actor.id)
        stringField(2, draft.actor.role)
        if let correlation = draft.correlationID { uuidField(10, correlation) }
        if let causation = draft.causationID { uuidField(11, causation) }
        draft.payload.withUnsafeBytes { bytesField(12, $0) }
        previous.withUnsafeBytes { bytesField(13, $0) }
        return try buffer.withUnsafeBytes(body)
    }

    /// Size of a length-delimited field with a one-byte tag, or 0 when empty (omitted).
    private func fieldSize(_ count: Int) -> Int {
        count == 0 ? 0 : 1 + varintSize(UInt64(count)) + count
    }

    private func varintSize(_ value: UInt64) -> Int {
        max(1, (64 - value.leadingZeroBitCount + 6) / 7)
    }

    private mutating func tag(_ field: UInt64, wireType: UInt64) {
        varint(field << 3 | wireType)
    }

    private mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        buffer.append(UInt8(v))
    }

    private mutating func varintField(_ field: UInt64, _ value: UInt64) {
        guard value != 0 else { return }
        tag(field, wireType: 0)
        varint(value)
    }

    private mutating func bytesField(_ field: UInt64, _ value: UnsafeRawBufferPointer) {
        guard !value.isEmpty else { return }
        tag(field, wireType: 2)
        varint(UInt64(value.count))
        buffer.append(contentsOf: value)
    }

    private mutating func uuidField(_ field: UInt64, _ value: UUID) {
        withUnsafeBytes(of: value.uuid) { bytesField(field, $0) }
    }

    private mutating func stringField(_ field: UInt64, _ value: String) {
        var value = value
        value.withUTF8 { bytesField(field, UnsafeRawBufferPointer($0)) }
    }
}
