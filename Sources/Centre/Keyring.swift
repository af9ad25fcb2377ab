import Assessment
import Crypto
import EventLog
import Foundation
import Privacy

/// The learners' data keys as one append, read or rebuild uses them: each read from the
/// store's key store (`LearnerKeys`) once. Seals an event's personal fields as it is
/// appended, and opens a record's as it is read.
public final class Keyring: @unchecked Sendable {
    private let store: LearnerKeys
    private let lock = NSLock()
    private var known: [String: SymmetricKey] = [:]
    /// The keys sealed or opened with so far, each prepared once (`FieldSeal.SealingKey`).
    private var prepared: [String: FieldSeal.SealingKey] = [:]
    /// The flushes of the keys made, to wait for before a commit.
    private var syncs: [KeySync] = []
    /// Learners looked up and found to have no key.
    private var missing: Set<String> = []

    /// The keys of the store at `path`.
    public init(store path: String) {
        store = LearnerKeys(store: path)
    }

    /// Reads every learner's key at once, for a pass over the whole log.
    public func loadAll() throws {
        let all = try store.all()
        lock.withLock { known.merge(all) { _, new in new } }
    }

    /// Reads the keys of `learners` in one use of the key store, making those they lack,
    /// and returns the keys read or made. Keys made are flushed to disk on another thread:
    /// `waitUntilDurable()` before committing anything sealed under them.
    @discardableResult
    func make(for learners: some Collection<String>) throws -> [String: SymmetricKey] {
        let needed = lock.withLock { learners.filter { known[$0] == nil } }
        guard !needed.isEmpty else { return [:] }
        let made = try store.keysSyncedLater(making: needed)
        lock.withLock {
            known.merge(made.keys) { _, new in new }
            missing.subtract(made.keys.keys)
            syncs.append(made.sync)
        }
        return made.keys
    }

    /// Returns once every key this keyring made is on disk. - Throws: `KeyStoreError`.
    func waitUntilDurable() throws {
        for sync in lock.withLock({ syncs }) { try sync.wait() }
    }

    /// `learner`'s key, or `nil` when they have none.
    func key(of learner: String) throws -> SymmetricKey? {
        if let key = lock.withLock({ known[learner] }) { return key }
        if lock.withLock({ missing.contains(learner) }) { return nil }
        let found = try store.keys(of: [learner])[learner]
        lock.withLock { if let found { known[learner] = found } else { missing.insert(learner) } }
        return found
    }

    /// Whether the key store holds `learner`'s key.
    public func holds(_ learner: String) throws -> Bool { try key(of: learner) != nil }

    /// `draft`'s payload with the personal fields of `type` taken out and sealed under
    /// `learner`'s key (made now when they have none); `nil` when it holds none.
    /// - Throws: `RuleViolation` when a personal field holds `PersonalFields.closed`.
    func seal(_ draft: EventDraft, type: EventType, learner: String) throws -> SealedPayload? {
        let personal = PersonalFields.numbers(of: type, version: draft.schemaVersion)
        guard !personal.isEmpty else { return nil }
        let (kept, taken) = try PayloadFields.split(draft.payload, taking: personal)
        guard !taken.isEmpty else { return nil }
        if let closed = taken.first(where: { $0.value == Self.closed }) {
            throw RuleViolation("well-formed", "field \(closed.field) of the \(type.rawValue) holds the mark of a sealed field, which only a reader puts there")
        }
        guard let key = try prepared(learner, making: true) else { throw KeyStoreError("no data key was made for learner \(learner)") }
        let eventID = withUnsafeBytes(of: draft.id.uuid) { Data($0) }
        return SealedPayload(payload: kept, fields: try taken.map { taken in
            try SealedField.with {
                $0.field = taken.field
                $0.value = try FieldSeal.seal(taken.value, field: taken.field, eventID: eventID, key: key)
            }
        })
    }

    /// `PersonalFields.closed` as a field's value.
    private static let closed = Data(PersonalFields.closed.utf8)

    /// `learner`'s key prepared for sealing and opening, made now when they have none and
    /// `making`; `nil` when they have none.
    private func prepared(_ learner: String, making: Bool) throws -> FieldSeal.SealingKey? {
        if let cached = lock.withLock({ prepared[learner] }) { return cached }
        guard let key = try key(of: learner) ?? (making ? make(for: [learner])[learner] : nil) else { return nil }
        let sealingKey = FieldSeal.SealingKey(key)
        lock.withLock { prepared[learner] = sealingKey }
        return sealingKey
    }

    /// The value of `record`'s sealed `field`, or `nil` when its learner has no key.
    /// - Throws: `SealError` when the key does not open it: the record was changed.
    public func open(_ record: Record, _ field: SealedField) throws -> Data? {
        guard let key = try prepared(record.learner, making: false) else { return nil }
        return try FieldSeal.open(field.value, field: field.field, eventID: record.eventID, key: key)
    }

    /// `record` with its sealed fields opened where the key is held (`Record.opened(by:)`).
    public func opened(_ record: Record) throws -> Record {
        try record.opened(by: open)
    }
}
