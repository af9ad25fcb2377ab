import Foundation

/// The record's sealed personal fields (record field 16).
public typealias SealedField = Attest_V1_SealedField

/// What the store's rules say of an event about to be appended (`EventLog.append`'s
/// `validate`): the learner it concerns, if any, and its payload with the personal fields
/// taken out and sealed, if it had any.
public struct AppendFacts: Sendable {
    public var learner: String?
    public var sealed: SealedPayload?

    public init(learner: String?, sealed: SealedPayload? = nil) {
        self.learner = learner
        self.sealed = sealed
    }
}

/// A payload without its personal fields, and those fields sealed.
public struct SealedPayload: Sendable {
    /// The payload the record stores: the event's payload less the sealed fields.
    public let payload: Data
    /// The sealed fields, in field order.
    public let fields: [SealedField]

    public init(payload: Data, fields: [SealedField]) {
        self.payload = payload
        self.fields = fields
    }
}

/// The top-level fields of a payload's protobuf encoding, taken out and put back without
/// knowing its message: a personal field is a top-level string (length-delimited) field.
public enum PayloadFields {
    /// `payload` without the length-delimited fields numbered `numbers`, and the values of
    /// those fields in the order they came (the field order, for a payload as swift-protobuf
    /// writes it). - Throws: `MalformedPayload` for bytes that are not a protobuf encoding.
    public static func split(_ payload: Data, taking numbers: Set<UInt32>) throws -> (kept: Data, taken: [(field: UInt32, value: Data)]) {
        try payload.withUnsafeBytes { bytes in
            var taken: [(field: UInt32, value: Data)] = []
            var gaps: [Range<Int>] = []  // where the fields taken are written, tags included
            try ProtobufFields.walk(bytes) { field, wireType, whole, value in
                guard wireType == 2, numbers.contains(field) else { return }
                gaps.append(whole)
                taken.append((field, Data(UnsafeRawBufferPointer(rebasing: bytes[value]))))
            }
            guard !gaps.isEmpty else { return (payload, []) }
            // The rest copied into one buffer, as `merge` writes, not appended to a `Data` piece by piece.
            var kept = Data(count: bytes.count - gaps.reduce(0) { $0 + $1.count })
            kept.withUnsafeMutableBytes { out in
                var writer = FieldWriter(out: out)
                var from = 0
                for gap in gaps {
                    writer.put(UnsafeRawBufferPointer(rebasing: bytes[from..<gap.lowerBound]))
                    from = gap.upperBound
                }
                writer.put(UnsafeRawBufferPointer(rebasing: bytes[from...]))
            }
            return (kept, taken)
        }
    }

    /// `kept` with the length-delimited `values` put back before the first field numbered
    /// higher than each, so that a payload `split` in field order comes back byte for byte.
    public static func merge(_ kept: Data, _ values: [(field: UInt32, value: Data)]) throws -> Data {
        guard !values.isEmpty else { return kept }
        let values = values.count == 1 ? values : values.sorted { $0.field < $1.field }
        // Written in place into one buffer of the largest size it can take (each tag and
        // length at most 10 bytes), then cut to what was written: appending to a `Data`
        // piece by piece took 3.4 µs a sealed record, a sixth of a replay's reading thread.
        var merged = Data(count: kept.count + values.reduce(0) { $0 + $1.value.count + 20 })
        let written = try merged.withUnsafeMutableBytes { out in
            var writer = FieldWriter(out: out)
            var next = 0
            try kept.withUnsafeBytes { bytes in
                try ProtobufFields.walk(bytes) { field, _, whole, _ in
                    while next < values.count, values[next].field < field {
                        writer.putBack(values[next])
                        next += 1
                    }
                    writer.put(UnsafeRawBufferPointer(rebasing: bytes[whole]))
                }
            }
            for value in values[next...] { writer.putBack(value) }
            return writer.at
        }
        merged.count = written
        return merged
    }
}

/// Writes a payload's fields into a buffer large enough for all of them.
private struct FieldWriter {
    let out: UnsafeMutableRawBufferPointer
    /// Where the next byte goes: the bytes written so far.
    var at = 0

    mutating func put(_ bytes: UnsafeRawBufferPointer) {
        UnsafeMutableRawBufferPointer(rebasing: out[at..<(at + bytes.count)]).copyMemory(from: bytes)
        at += bytes.count
    }

    /// Writes a length-delimited field.
    mutating func putBack(_ value: (field: UInt32, value: Data)) {
        putVarint(UInt64(value.field) << 3 | 2)
        putVarint(UInt64(value.value.count))
        value.value.withUnsafeBytes { put($0) }
    }

    private mutating func putVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            out[at] = UInt8(truncatingIfNeeded: value) | 0x80
            value >>= 7
            at += 1
        }
        out[at] = UInt8(value)
        at += 1
    }
}

/// A payload whose bytes are not a protobuf encoding of top-level fields.
public struct MalformedPayload: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
