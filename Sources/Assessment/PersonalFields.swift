import EventLog
import Foundation

/// The personal fields of each event type's payload (docs/events.md, *Personal data*):
/// top-level strings, by their number in the message of each schema version. A record
/// stores them sealed under the learner's data key, never in the clear.
public enum PersonalFields {
    /// The numbers of the personal fields of `type`'s payload at schema `version`.
    public static func numbers(of type: EventType, version: UInt32) -> Set<UInt32> {
        type == .learnerRegistered ? registered[Int(min(max(version, 1), 3)) - 1] : byType[type, default: []]
    }

    /// A registration's, at schema versions 1, 2 and 3.
    private static let registered: [Set<UInt32>] = [[4], [4, 7], [4, 7, 8, 9]]

    /// Every other type's, made once: an append asks for each event's.
    private static let byType = Dictionary(uniqueKeysWithValues: EventType.allCases.map { ($0, declared($0)) })

    private static func declared(_ type: EventType) -> Set<UInt32> {
        switch type {
        case .learnerRegistered: registered.last!
        case .learnerNameCorrected: [2, 3]
        case .learnerWithdrawn, .adjustmentApproved, .adjustmentRejected, .evidenceWithdrawn, .rplRevoked: [2]
        case .adjustmentRequested: [3]
        case .evidenceAssessed, .decisionRevised: [4]
        case .assessmentSampled: [5, 6]
        case .rplCredited: [6]
        // An erasure's reason says why in words that hold no personal data: it must stay
        // readable once the learner's key is gone.
        case .specificationImported, .staffRegistered, .certificateClaimed, .evidenceSubmitted, .standardisationRecorded,
             .simulationReviewed, .eqaSampleRequested, .learnerErased, .accountOpened, .accountReset, .accountDisabled, .tokenIssued, .tokenRevoked:
            []
        }
    }

    /// What a personal field holds when it is read without the learner's key (destroyed
    /// by an erasure, or not disclosed): never a value input can give, as input refuses
    /// control characters in text.
    public static let closed = "\u{0}sealed"
}

extension Record {
    /// This record with its sealed fields put back into its payload, each as `open` gives
    /// it, or as `PersonalFields.closed` when `open` gives `nil` (the learner's key is
    /// destroyed or not held); decoding it gives the event as it was appended.
    public func opened(by open: (Record, SealedField) throws -> Data?) throws -> Record {
        guard !sealed.isEmpty else { return self }
        var opened = self
        opened.payload = try openedPayload(by: open)
        opened.sealed = []
        return opened
    }

    /// The payload of `opened(by:)`, without copying the rest of the record: what a
    /// replay decodes each record's event from.
    public func openedPayload(by open: (Record, SealedField) throws -> Data?) throws -> Data {
        guard !sealed.isEmpty else { return payload }
        return try PayloadFields.merge(payload, sealed.map { field in
            (field.field, try open(self, field) ?? Data(PersonalFields.closed.utf8))
        })
    }
}
