import Foundation
import SwiftProtobuf

/// Messages decoded from the bytes a store held, kept from one transaction to the next:
/// loading the very bytes a message was decoded from, or encoded to, gives that message
/// again without decoding it. Other bytes (written by another process, or left by a
/// refused batch) are decoded afresh, so what it gives is never stale. A long-running
/// writer (the server) thus decodes a learner's record once, not at every event.
/// Emptied whenever it would hold more than `limit` bytes of encodings.
public final class DecodedMessages: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [String: (bytes: [UInt8], message: any SwiftProtobuf.Message)] = [:]
    private var size = 0
    private let limit: Int

    public init(limit: Int = 32 << 20) { self.limit = limit }

    /// The message of type `M` that `bytes`, stored under `key`, encode.
    public func message<M: SwiftProtobuf.Message>(_ key: String, from bytes: [UInt8], as type: M.Type = M.self) throws -> M {
        if let hit = lock.withLock({ kept[key] }), let message = hit.message as? M, hit.bytes == bytes { return message }
        let message = try M(serializedBytes: bytes)
        keep(key, bytes, message)
        return message
    }

    /// Notes that `key` is to hold `bytes`, the encoding of `message`.
    public func keep(_ key: String, _ bytes: [UInt8], _ message: any SwiftProtobuf.Message) {
        lock.withLock {
            size -= kept[key]?.bytes.count ?? 0
            if size + bytes.count > limit {
                kept.removeAll(keepingCapacity: true)
                size = 0
            }
            kept[key] = (bytes, message)
            size += bytes.count
        }
    }
}
