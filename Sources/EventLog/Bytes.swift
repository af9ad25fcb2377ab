import Foundation

/// Big-endian fixed-width integers: keys that sort in numeric order under LMDB's byte comparison.
public enum BigEndian {
    public static func bytes(_ value: UInt64) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian, Array.init)
    }

    /// Reads eight bytes at `offset`; `nil` when there are fewer.
    public static func uint64(_ bytes: some Collection<UInt8>, at offset: Int = 0) -> UInt64? {
        let slice = bytes.dropFirst(offset).prefix(8)
        guard slice.count == 8 else { return nil }
        return slice.reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// The bytes of a fixed-width value (a big-endian integer, a UUID) as an LMDB key or
/// value, held inline instead of in an array.
struct InlineBytes<Value>: ContiguousBytes {
    let value: Value

    init(_ value: Value) { self.value = value }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: value, body)
    }
}

extension UUID {
    /// A time-ordered UUID (RFC 9562 version 7): 48 bits of Unix milliseconds, then
    /// random bits. Ids made one after another sort in order, so the event-id index
    /// grows at its right edge instead of at random pages.
    public static func timeOrdered(at date: Date = Date()) -> UUID {
        var generator = SystemRandomNumberGenerator()
        let millis = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let random = (generator.next() as UInt64, generator.next() as UInt64)
        var b = withUnsafeBytes(of: (millis << 16).bigEndian, Array.init)
            + withUnsafeBytes(of: random.0, Array.init)
        b[6] = 0x70 | UInt8(truncatingIfNeeded: random.1 >> 8) & 0x0F
        b[7] = UInt8(truncatingIfNeeded: random.1)
        b[8] = 0x80 | (b[8] & 0x3F)
        return UUID(bytes: b)!
    }

    /// The sixteen bytes of the UUID, in order.
    var bytes: [UInt8] { withUnsafeBytes(of: uuid, Array.init) }

    /// A UUID from exactly sixteen bytes.
    init?(bytes: some Collection<UInt8>) {
        let b = Array(bytes)
        guard b.count == 16 else { return nil }
        self.init(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                         b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}

extension Date {
    /// Whole microseconds since 1970-01-01T00:00:00Z, the log's unit of time.
    public var microsecondsSinceEpoch: Int64 {
        Int64((timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// The date `micros` microseconds after 1970-01-01T00:00:00Z.
    public init(microsecondsSinceEpoch micros: Int64) {
        self.init(timeIntervalSince1970: Double(micros) / 1_000_000)
    }
}
