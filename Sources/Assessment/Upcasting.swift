import Foundation
import Records
import SwiftProtobuf

/// One step of an event type's schema history: how a payload stored at `from` is read,
/// and how it becomes the shape of version `from + 1`.
///
/// An upcaster is a pure function of the old message: it never looks anything up, so a
/// record reads the same wherever and whenever it is replayed.
public struct Upcaster: Sendable {
    public let type: EventType
    /// The version this step reads; it produces version `from + 1`.
    public let from: UInt32
    /// The message stored payloads of version `from` are encoded with.
    public let storedType: any SwiftProtobuf.Message.Type
    let step: @Sendable (any SwiftProtobuf.Message) -> any SwiftProtobuf.Message

    /// A step from `Old` (version `from`) to `New` (version `from + 1`).
    public init<Old: SwiftProtobuf.Message, New: SwiftProtobuf.Message>(
        _ type: EventType, from: UInt32, _ step: @escaping @Sendable (Old) -> New
    ) {
        self.type = type
        self.from = from
        storedType = Old.self
        self.step = { step($0 as! Old) }
    }

    /// The message of version `from + 1`.
    public func callAsFunction(_ message: any SwiftProtobuf.Message) -> any SwiftProtobuf.Message { step(message) }
}

/// Every upcaster, by event type and the version it reads.
///
/// Reading a record of `evidence.assessed` version 1 decodes it as
/// `Attest_V1_EvidenceAssessedV1`, then applies the (evidence.assessed, 1) step to get the
/// current `Attest_V1_EvidenceAssessed`. Stored bytes are never rewritten.
public enum Upcasters {
    /// The registry. Add a step here whenever an event type's `currentVersion` goes up.
    public static let all: [Upcaster] = [
        // The same learner, with no ULN claimed: version 1 did not say whether its id was a
        // ULN, so the upcast does not guess.
        Upcaster(.learnerRegistered, from: 1) { (old: Attest_V1_LearnerRegisteredV1) -> Attest_V1_LearnerRegisteredV2 in widened(old) },
        // The same learner, with no names: version 2 did not record them.
        Upcaster(.learnerRegistered, from: 2) { (old: Attest_V1_LearnerRegisteredV2) -> Attest_V1_LearnerRegistered in widened(old) },
        Upcaster(.evidenceAssessed, from: 1, evidenceAssessedV2),
        // The same evidence, with no assessor or simulation named: the rules that need them
        // apply to records of version 2 on.
        Upcaster(.evidenceSubmitted, from: 1) { (old: Attest_V1_EvidenceSubmittedV1) -> Attest_V1_EvidenceSubmitted in widened(old) },
    ]

    private struct Key: Hashable {
        let type: EventType
        let from: UInt32
    }

    private static let byKey: [Key: Upcaster] = Dictionary(
        all.map { (Key(type: $0.type, from: $0.from), $0) }, uniquingKeysWith: { first, _ in first })

    /// The step that reads version `version` of `type`, if there is one.
    public static func step(_ type: EventType, from version: UInt32) -> Upcaster? {
        byKey[Key(type: type, from: version)]
    }

    /// The message payloads of `type` at schema `version` are stored with, or `nil` when
    /// `version` is not one the type has had (0, or later than current).
    public static func storedType(_ type: EventType, version: UInt32) -> (any SwiftProtobuf.Message.Type)? {
        if version == type.currentVersion { return type.payloadType }
        guard version >= 1, version < type.currentVersion else { return nil }
        return step(type, from: version)?.storedType
    }

    /// The schema versions of `type` this code reads: "version 1" or "versions 1 to 2".
    public static func versions(of type: EventType) -> String {
        type.currentVersion == 1 ? "version 1" : "versions 1 to \(type.currentVersion)"
    }

    /// Brings `message`, of `type` at `version`, to the current version, one step at a time.
    /// - Throws: `PayloadError` naming the first version with no step.
    public static func upcast(_ message: any SwiftProtobuf.Message, of type: EventType, from version: UInt32) throws
        -> any SwiftProtobuf.Message
    {
        var message = message
        var version = version
        while version < type.currentVersion {
            guard let step = step(type, from: version) else {
                throw PayloadError("\(type.rawValue) has no upcaster from schema version \(version) to \(version + 1)")
            }
            message = step(message)
            version += 1
        }
        return message
    }

    /// A step to a version that only adds fields, every old one keeping its number and
    /// type: the old message's fields, and the new ones empty.
    static func widened<Old: SwiftProtobuf.Message, New: SwiftProtobuf.Message>(_ old: Old) -> New {
        // A message's own encoding always decodes as a message holding all its fields.
        try! New(serializedBytes: old.serializedBytes() as [UInt8])
    }

    /// evidence.assessed 1 → 2: each criterion confirmed by the evidence's own method (no
    /// method named) and under every adjustment the decision listed.
    static func evidenceAssessedV2(_ old: Attest_V1_EvidenceAssessedV1) -> Attest_V1_EvidenceAssessed {
        .with {
            $0.assessmentID = old.assessmentID
            $0.evidenceID = old.evidenceID
            $0.feedback = old.feedback
            $0.decisions = old.decisions.map { decision in
                .with {
                    $0.criterion = decision.criterion
                    $0.outcome = decision.outcome
                    $0.adjustmentsApplied = old.adjustmentsApplied
                }
            }
        }
    }
}
