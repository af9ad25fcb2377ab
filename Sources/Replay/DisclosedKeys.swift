import Assessment
import Bundles
import Centre
import Crypto
import EventLog
import Foundation
import Privacy

/// The data keys a bundle discloses to the EQA replaying it, opened with their identity:
/// the sealed fields of those learners' records open, every other learner's stay closed.
struct DisclosedKeys {
    private(set) var keys: [String: FieldSeal.SealingKey] = [:]
    /// Called with each record whose sealed fields were opened, as one line of JSON.
    var opened: ((String) throws -> Void)?

    init() {}

    /// The keys `bundle` discloses, opened with `options.identity`; noted in `report`.
    /// - Throws: `ReplayInputError` when the bundle discloses to another key than the
    ///   identity's; `Breach` when a disclosed key does not open or the file is malformed.
    init(_ bundle: BundleReader, _ options: ReplayOptions, into report: inout ReplayReport) throws {
        let disclosure: BundleDisclosure?
        do { disclosure = try bundle.disclosure() } catch let error as BundleError { throw Breach(error) }
        guard let disclosure else { return }
        report.disclosedTo = disclosure.recipient.description
        report.disclosedLearners = disclosure.keys.map(\.learner)
        guard let identity = options.identity else { return }
        guard identity.recipient == disclosure.recipient else {
            throw ReplayInputError("the bundle discloses learners' keys to \(disclosure.recipient), not to your identity's key \(identity.recipient)")
        }
        let root = bundle.checkpoint.checkpoint.root.bytes
        for disclosed in disclosure.keys {
            do {
                keys[disclosed.learner] = FieldSeal.SealingKey(try disclosed.open(with: identity, root: root))
            } catch let error as DisclosureError {
                throw Breach(.malformed, learner: disclosed.learner, file: BundleFile.disclosed, detail: error.description)
            }
        }
        opened = options.openedRecords
        report.keysOpened = true
    }

    /// The value of `record`'s sealed `field` when its learner's key is disclosed, else `nil`.
    /// - Throws: `SealError` when the key does not open it.
    func open(_ record: Record, _ field: SealedField) throws -> Data? {
        guard let key = keys[record.learner] else { return nil }
        return try FieldSeal.open(field.value, field: field.field, eventID: record.eventID, key: key)
    }

    /// Whether `decoded`'s sealed fields were opened with a disclosed key; if so, hands the
    /// record on to `opened`.
    func note(_ decoded: DecodedEvent, bytes: UnsafeRawBufferPointer) throws -> Bool {
        guard !decoded.record.sealed.isEmpty, !decoded.closed else { return false }
        try opened?(LoggedRecord(record: decoded.record, bytes: Array(bytes)).domainJSONLine(opening: open))
        return true
    }
}
