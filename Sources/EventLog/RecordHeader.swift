/// The two envelope fields the chain needs, read by walking the protobuf wire
/// format without decoding the rest: the verifier's fast path.
///
/// The walk also checks that the bytes are well-formed protobuf (every tag, varint
/// and length in bounds), so a record that would not decode is caught here too.
struct RecordHeader {
    var sequence: UInt64 = 0
    var previousHash = UnsafeRawBufferPointer(start: nil, count: 0)

    /// Reads `bytes`; `nil` when they are not a well-formed record.
    init?(_ bytes: UnsafeRawBufferPointer) {
        var reader = WireReader(bytes)
        while !reader.atEnd {
            guard let tag = reader.varint(), tag >> 3 != 0 else { return nil }
            switch (tag >> 3, tag & 7) {
            case (1, 0):
                guard let value = reader.varint() else { return nil }
                sequence = value
            case (_, 0):
                guard reader.varint() != nil else { return nil }
            case (_, 1):
                guard reader.skip(8) != nil else { return nil }
            case (_, 5):
                guard reader.skip(4) != nil else { return nil }
            case (let field, 2):
                guard let length = reader.varint(), let value = reader.skip(length) else { return nil }
                if field == 13 { previousHash = value }
            default:
                return nil
            }
        }
    }
}

/// A cursor over protobuf wire-format bytes.
private struct WireReader {
    private let base: UnsafePointer<UInt8>?
    private let count: Int
    private var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        count = bytes.count
    }

    var atEnd: Bool { offset >= count }

    /// A base-128 varint of at most ten bytes; `nil` when it runs past the end.
    @inline(__always)
    mutating func varint() -> UInt64? {
        guard let base else { return nil }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while offset < count && shift < 70 {
            let byte = base[offset]
            offset &+= 1
            result |= UInt64(byte & 0x7F) &<< shift
            if byte < 0x80 { return result }
            shift &+= 7
        }
        return nil
    }

    /// The next `count` bytes; `nil` when there are fewer.
    @inline(__always)
    mutating func skip(_ length: UInt64) -> UnsafeRawBufferPointer? {
        guard length <= UInt64(count &- offset) else { return nil }
        let start = offset
        offset &+= Int(length)
        return UnsafeRawBufferPointer(start: base.map { $0 + start }, count: Int(length))
    }
}
