import Foundation
import Merkle

/// Writes the stored record bytes for an event straight into the space given to them
/// (an LMDB page, when appending).
///
/// The output is byte for byte what swift-protobuf's `Record.serializedBytes()` gives
/// (fields in number order, defaults omitted; a test holds the two together), without
/// building the message or an intermediate buffer. One walk over the fields both measures
/// the record and writes it, so the two cannot disagree.
struct RecordEncoder {
    /// What the store assigns: the position, its clock and the previous chain hash.
    let position: Appended
    let recordedAt: Int64
    let previous: Hash
    /// The learner the event concerns and their previous record, when the store links them.
    let learner: LearnerLink?
    /// The payload with its personal fields sealed, when it has any.
    let sealed: SealedPayload?

    /// The size of `draft`'s record in bytes.
    func count(of draft: EventDraft) -> Int {
        var counter = ByteCounter()
        fields(of: draft, into: &counter)
        return counter.count
    }

    /// Writes `draft`'s record into `buffer`, which must hold exactly `count(of: draft)` bytes.
    func write(_ draft: EventDraft, into buffer: UnsafeMutableRawBufferPointer) {
        var writer = ByteWriter(buffer)
        fields(of: draft, into: &writer)
        precondition(writer.isFull, "the record did not fill the space measured for it")
    }

    private func fields<Sink: ByteSink>(of draft: EventDraft, into sink: inout Sink) {
        sink.varintField(1, position.sequence)
        sink.uuidField(2, draft.id)
        sink.stringField(3, draft.streamID)
        sink.varintField(4, position.streamVersion)
        sink.stringField(5, draft.eventType)
        sink.varintField(6, UInt64(draft.schemaVersion))
        sink.varintField(7, UInt64(bitPattern: recordedAt))
        sink.varintField(8, UInt64(bitPattern: draft.occurredAtMicros))
        // The actor is always present, even when both its fields are empty.
        var actorSize = ByteCounter()
        Self.actorFields(draft.actor, into: &actorSize)
        sink.tag(9, wireType: 2)
        sink.varint(UInt64(actorSize.count))
        Self.actorFields(draft.actor, into: &sink)
        if let correlation = draft.correlationID { sink.uuidField(10, correlation) }
        if let causation = draft.causationID { sink.uuidField(11, causation) }
        sink.bytesField(12, sealed?.payload ?? draft.payload)
        sink.bytesField(13, previous)
        if let learner {
            sink.stringField(14, learner.learner)
            sink.varintField(15, learner.previous)
        }
        for field in sealed?.fields ?? [] {
            var size = ByteCounter()
            Self.sealedFields(field, into: &size)
            sink.tag(16, wireType: 2)
            sink.varint(UInt64(size.count))
            Self.sealedFields(field, into: &sink)
        }
    }

    private static func sealedFields<Sink: ByteSink>(_ field: SealedField, into sink: inout Sink) {
        sink.varintField(1, UInt64(field.field))
        sink.bytesField(2, field.value)
    }

    private static func actorFields<Sink: ByteSink>(_ actor: Actor, into sink: inout Sink) {
        sink.stringField(1, actor.id)
        sink.stringField(2, actor.role)
    }
}

/// A record's link to its learner: fields 14 and 15.
struct LearnerLink {
    let learner: String
    /// The learner's previous record; 0 for their first.
    let previous: UInt64
}

/// Where encoded bytes go: counted, or written.
private protocol ByteSink {
    mutating func append(_ byte: UInt8)
    /// Appends `count` bytes, which `copy` writes to the address it is given when the
    /// sink writes (a counting sink never calls it).
    mutating func append(count: Int, _ copy: (UnsafeMutableRawPointer) -> Void)
}

/// Counts the bytes instead of writing them.
private struct ByteCounter: ByteSink {
    var count = 0

    mutating func append(_ byte: UInt8) { count += 1 }
    mutating func append(count: Int, _ copy: (UnsafeMutableRawPointer) -> Void) { self.count += count }
}

/// Writes the bytes into a buffer, refusing to go past its end.
private struct ByteWriter: ByteSink {
    private var next: UnsafeMutableRawPointer
    private let end: UnsafeMutableRawPointer

    init(_ buffer: UnsafeMutableRawBufferPointer) {
        next = buffer.baseAddress!
        end = next + buffer.count
    }

    var isFull: Bool { next == end }

    mutating func append(_ byte: UInt8) {
        precondition(next < end, "the record overran the space measured for it")
        next.storeBytes(of: byte, as: UInt8.self)
        next += 1
    }

    mutating func append(count: Int, _ copy: (UnsafeMutableRawPointer) -> Void) {
        precondition(end - next >= count, "the record overran the space measured for it")
        copy(next)
        next += count
    }
}

/// Protocol buffers wire encoding.
extension ByteSink {
    mutating func tag(_ field: UInt64, wireType: UInt64) {
        varint(field << 3 | wireType)
    }

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        append(UInt8(v))
    }

    /// A varint field; omitted when zero.
    mutating func varintField(_ field: UInt64, _ value: UInt64) {
        guard value != 0 else { return }
        tag(field, wireType: 0)
        varint(value)
    }

    /// A length-delimited field of `count` bytes, which `copy` writes; omitted when empty.
    mutating func lengthDelimitedField(_ field: UInt64, count: Int, _ copy: (UnsafeMutableRawPointer) -> Void) {
        guard count != 0 else { return }
        tag(field, wireType: 2)
        varint(UInt64(count))
        append(count: count, copy)
    }

    mutating func bytesField(_ field: UInt64, _ value: Data) {
        lengthDelimitedField(field, count: value.count) { value.copyBytes(to: $0.assumingMemoryBound(to: UInt8.self), count: value.count) }
    }

    mutating func bytesField(_ field: UInt64, _ value: Hash) {
        lengthDelimitedField(field, count: 32) { target in value.withUnsafeBytes { target.copyMemory(from: $0.baseAddress!, byteCount: 32) } }
    }

    mutating func uuidField(_ field: UInt64, _ value: UUID) {
        lengthDelimitedField(field, count: 16) { $0.storeBytes(of: value.uuid, as: uuid_t.self) }
    }

    mutating func stringField(_ field: UInt64, _ value: String) {
        lengthDelimitedField(field, count: value.utf8.count) { target in
            var value = value
            value.withUTF8 { target.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        }
    }
}
