/// The two envelope fields the chain needs, read by walking the protobuf wire
/// format without decoding the rest: the verifier's fast path.
///
/// The walk also checks that the bytes are well-formed protobuf (every tag, varint
/// and length in bounds), so a record that would not decode is caught here too.
struct RecordHeader {
    var sequence: UInt64 = 0
    var previousHash: UnsafeRawBufferPointer = .init(start: nil, count: 0)

    /// Reads `bytes`; `nil` when they are not a well-formed record.
    init?(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        func varint() -> UInt64? {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while offset < bytes.count, shift < 64 {
                let byte = bytes[offset]
                offset += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
            }
            return nil
        }
        while offset < bytes.count {
            guard let tag = varint(), tag >> 3 != 0 else { return nil }
            switch (tag >> 3, tag & 7) {
            case (1, 0):
                guard let value = varint() else { return nil }
                sequence = value
            case (_, 0):
                guard varint() != nil else { return nil }
            case (_, 1):
                offset += 8
            case (_, 5):
                offset += 4
            case (let field, 2):
                guard let length = varint(), length <= UInt64(bytes.count - offset) else { return nil }
                if field == 13 {
                    previousHash = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(length)])
                }
                offset += Int(length)
            default:
                return nil
            }
            guard offset <= bytes.count else { return nil }
        }
    }
}
