import Foundation
import Records
import SwiftProtobuf

/// Messages decoded from the bytes a store held, kept from one transaction to the next:
/// loading the very bytes a message was decoded from, or encoded to, gives that message
/// again without decoding it. Other bytes (written by another process, or left by a
/// refused batch) are decoded afresh, so what it gives is never stale. A long-running
/// writer (the server) thus decodes a learner's record once, not at every event.
/// A message is given out, not kept, so that a change to it is made in place rather than
/// to a copy of all it holds: whoever takes it keeps it again once the transaction has
/// written it. Emptied whenever it would hold more than `limit` bytes of encodings.
public final class DecodedMessages: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [String: (bytes: [UInt8], message: any SwiftProtobuf.Message)] = [:]
    private var size = 0
    private let limit: Int

    public init(limit: Int = 32 << 20) { self.limit = limit }

    /// What is left under a key whose message was taken out: a message of a type no one takes.
    private static let taken = SwiftProtobuf.Google_Protobuf_Empty()

    /// The message of type `M` that `bytes`, stored under `key`, encode, taken out.
    public func take<M: SwiftProtobuf.Message>(_ key: String, from bytes: [UInt8], as type: M.Type = M.self) throws -> M {
        let hit = lock.withLock { () -> (bytes: [UInt8], message: any SwiftProtobuf.Message)? in
            guard let index = kept.index(forKey: key) else { return nil }
            // Left in place, emptied, rather than removed: removing a key moves the keys after it.
            let hit = kept.values[index]
            kept.values[index] = (bytes: [], message: Self.taken)
            size -= hit.bytes.count
            return hit
        }
        if let hit, let message = hit.message.exactly(M.self), hit.bytes == bytes { return message }
        return try M(serializedBytes: bytes)
    }

    /// Notes that `key` is to hold `bytes`, the encoding of `message`.
    public func keep(_ key: String, _ bytes: [UInt8], _ message: any SwiftProtobuf.Message) {
        lock.withLock {
            // Found once: most keys were kept before, and left in place when taken.
            var index = kept.index(forKey: key)
            if let index { size -= kept.values[index].bytes.count }
            if size + bytes.count > limit {
                kept.removeAll(keepingCapacity: true)
                size = 0
                index = nil
            }
            if let index { kept.values[index] = (bytes, message) } else { kept[key] = (bytes, message) }
            size += bytes.count
        }
    }
}

/// The learners' records one write transaction has encoded, with their bytes. The rules
/// and the transcripts keep the same record for a learner (`LearnerProgress` works both
/// out), so whichever writes it second finds it encoded already: comparing two records
/// takes less than half the time of encoding one (`attest-bench encode`). A record that
/// differs is encoded afresh.
public final class LearnerRecordEncodings {
    private var encoded: [String: (record: Attest_V1_LearnerRecord, bytes: [UInt8])] = [:]

    public init() {}

    /// `message`'s state bytes, taken from an equal learner's record encoded before when
    /// there is one.
    public func stateBytes(of message: some SwiftProtobuf.Message) throws -> [UInt8] {
        guard let record = message.exactly(Attest_V1_LearnerRecord.self) else { return try message.stateBytes() }
        if let earlier = encoded[record.learnerID], earlier.record == record { return earlier.bytes }
        let bytes = try record.stateBytes()
        encoded[record.learnerID] = (record, bytes)
        return bytes
    }
}

extension SwiftProtobuf.Message {
    /// The message's state bytes, taken from `encodings` when it is a learner's record
    /// encoded there already.
    public func stateBytes(sharing encodings: LearnerRecordEncodings?) throws -> [UInt8] {
        try encodings?.stateBytes(of: self) ?? stateBytes()
    }
}

extension SwiftProtobuf.Message {
    /// This message as an `M`, when it is one: its type compared with `M`, where a
    /// dynamic cast (`as? M`) of a kept message took 4% of a replay's rules in `perf`.
    func exactly<M: SwiftProtobuf.Message>(_: M.Type) -> M? {
        Self.self == M.self ? unsafeBitCast(self, to: M.self) : nil
    }
}
