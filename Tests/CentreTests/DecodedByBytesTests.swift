import Centre
import Testing

/// Bytes decoded before give the value decoded then; other bytes are decoded afresh, so
/// a changed entry is never given stale.
@Suite struct DecodedByBytesTests {
    final class Count: @unchecked Sendable { var decodes = 0 }

    @Test func theSameBytesAreDecodedOnceAndChangedBytesAfresh() throws {
        let decoded = DecodedByBytes<String>(limit: 3)
        let count = Count()
        let decode = { (bytes: [UInt8]) -> String in count.decodes += 1; return String(decoding: bytes, as: UTF8.self) }
        #expect(decoded.value(of: Array("a1".utf8), decode) == "a1")
        #expect(decoded.value(of: Array("a1".utf8), decode) == "a1")
        #expect(count.decodes == 1)
        #expect(decoded.value(of: Array("a2".utf8), decode) == "a2", "the entry changed")
        #expect(count.decodes == 2)
        // Past its limit it is emptied, and decodes again what it held.
        _ = decoded.value(of: Array("b".utf8), decode)
        _ = decoded.value(of: Array("c".utf8), decode)
        #expect(decoded.value(of: Array("a1".utf8), decode) == "a1")
        #expect(count.decodes == 5)
    }

    @Test func aValueThatCannotBeDecodedIsNotKept() throws {
        struct Malformed: Error {}
        let decoded = DecodedByBytes<Int>()
        #expect(throws: Malformed.self) { try decoded.value(of: [1]) { _ in throw Malformed() } }
        #expect(decoded.value(of: [1]) { Int($0[0]) } == 1)
    }
}
