/// The top-level fields of a protobuf encoding.
public enum ProtobufFields {
    /// Calls `body` with each top-level field's number, wire type, whole range (tag
    /// included) and value range, as offsets into `bytes`.
    public static func walk(_ bytes: UnsafeRawBufferPointer, _ body: (UInt32, UInt8, Range<Int>, Range<Int>) throws -> Void) throws {
        var index = 0
        func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count, shift < 64 {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
            throw MalformedPayload("the payload's protobuf encoding ends inside a varint")
        }
        while index < bytes.count {
            let start = index
            let tag = try varint()
            let wireType = UInt8(tag & 7)
            guard tag >> 3 != 0, tag >> 3 <= UInt64(UInt32.max) else { throw MalformedPayload("the payload holds field number 0 or one too large") }
            let valueStart: Int
            switch wireType {
            case 0: valueStart = index; _ = try varint()
            case 1, 5:
                valueStart = index
                let size = wireType == 1 ? 8 : 4
                guard bytes.count - index >= size else { throw MalformedPayload("the payload ends inside a fixed-size field") }
                index += size
            case 2:
                let length = try varint()
                valueStart = index
                guard length <= UInt64(bytes.count - index) else { throw MalformedPayload("a field of the payload runs past its end") }
                index += Int(length)
            default:
                throw MalformedPayload("the payload holds wire type \(wireType), which no event's message uses")
            }
            try body(UInt32(tag >> 3), wireType, start..<index, valueStart..<index)
        }
    }
}
