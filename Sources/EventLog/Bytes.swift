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

extension UnsafeBufferPointer<UInt8> {
    /// Whether these are the bytes `other` holds, compared as one block of memory.
    package func isSame(as other: UnsafeBufferPointer<UInt8>) -> Bool {
        count == other.count && (isEmpty || memcmp(baseAddress!, other.baseAddress!, count) == 0)
    }
}

extension [UInt8] {
    /// Whether these are the bytes `other` holds, compared as one block of memory.
    func isSame(as other: UnsafeBufferPointer<UInt8>) -> Bool {
        withUnsafeBufferPointer { $0.isSame(as: other) }
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
    /// random bits. Ids made one after another sort in order, even within a millisecond
    /// (RFC 9562 §6.2: an id that would not sort after the highest one made so far in its
    /// millisecond is that one plus one), so the event-id index grows at its right edge
    /// instead of at random places near it. Without `date`, the clock is read while no
    /// other thread makes an id, so that two threads cannot read it in one order and
    /// make their ids in the other.
    public static func timeOrdered(at date: Date? = nil) -> UUID {
        var generator = SystemRandomNumberGenerator()
        let randomA = generator.next() & 0xFFF, randomB = generator.next() >> 2
        return Version7.ordered {
            let millis = UInt64(max(0, (date ?? Date()).timeIntervalSince1970 * 1000))
            return Version7(millis: millis, randomA: randomA, randomB: randomB)
        }.uuid
    }

    /// The version-7 UUID of `millis` (48 bits of Unix milliseconds) and the given random
    /// bits: the low 12 bits of `randomA` and the low 62 bits of `randomB`. For ids that
    /// must come out the same each time, such as a generated centre's.
    public static func version7(millis: UInt64, randomA: UInt64, randomB: UInt64) -> UUID {
        Version7(millis: millis & (1 << 48 - 1), randomA: randomA & 0xFFF, randomB: randomB & (1 << 62 - 1)).uuid
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

/// The fields of a version-7 UUID, in the order they sort.
private struct Version7: Comparable {
    /// 48 bits.
    var millis: UInt64
    /// 12 bits, after the version.
    var randomA: UInt64
    /// 62 bits, after the variant.
    var randomB: UInt64

    /// The highest id made so far in this process.
    private nonisolated(unsafe) static var highest: Version7?
    private static let lock = NSLock()

    /// The id `make` gives, called under the lock, unless it falls in the millisecond of
    /// the highest id made so far without sorting after it: then that id plus one.
    static func ordered(_ make: () -> Version7) -> Version7 {
        lock.withLock {
            let fresh = make()
            var id = fresh
            if let highest, highest.millis == fresh.millis, fresh <= highest, let next = highest.successor {
                id = next
            }
            highest = max(highest ?? id, id)
            return id
        }
    }

    /// This id plus one in its random bits, or `nil` when they are all ones.
    var successor: Version7? {
        if randomB < 1 << 62 - 1 { return Version7(millis: millis, randomA: randomA, randomB: randomB + 1) }
        if randomA < 0xFFF { return Version7(millis: millis, randomA: randomA + 1, randomB: 0) }
        return nil
    }

    var uuid: UUID {
        let high = millis << 16 | 0x7000 | randomA
        let low = 1 << 63 | randomB
        return withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { UUID(bytes: $0)! }
    }

    static func < (a: Version7, b: Version7) -> Bool {
        (a.millis, a.randomA, a.randomB) < (b.millis, b.randomA, b.randomB)
    }
}
