import Foundation

/// Values decoded from stored bytes, filed by those bytes: an entry read at every request
/// (a token, an account, a staff member's registration) and seldom changed is decoded
/// once, and afresh whenever its bytes differ, so that what it gives is never stale.
/// Emptied when it holds `limit` entries.
public final class DecodedByBytes<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [[UInt8]: Value] = [:]
    private let limit: Int

    public init(limit: Int = 4_096) { self.limit = limit }

    /// What `bytes` decode to, by `decode` unless the same bytes were decoded before.
    public func value(of bytes: [UInt8], _ decode: ([UInt8]) throws -> Value) rethrows -> Value {
        if let hit = lock.withLock({ values[bytes] }) { return hit }
        let value = try decode(bytes)
        lock.withLock {
            if values.count >= limit { values.removeAll() }
            values[bytes] = value
        }
        return value
    }
}
