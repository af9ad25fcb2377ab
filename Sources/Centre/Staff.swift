import Assessment
import LMDB
import Records

extension CentreStore {
    /// Staff member `id` as registered (`staff.registered`), or `nil` when they are not.
    /// Read at every request the server signs in, and decoded only when its stored bytes
    /// differ from those decoded before.
    public func staff(_ id: String) throws -> Attest_V1_StaffRegistered? {
        let key = TextKey(EntityKind.staff.key(id))
        guard key.isStorable, let bytes = try log.environment.read({ txn in try txn.get(state, key: key) }) else { return nil }
        return try staffRegistrations.value(of: bytes) { try Attest_V1_StaffState(serializedBytes: $0).registration }
    }

    /// The staff who assess and quality-assure learner `id` (their registration, without
    /// personal data), or `nil` when no such learner is registered.
    public func registration(of learner: String) throws -> Attest_V1_LearnerRegistered? {
        try entities { try $0.get(.learner, learner)?.registration }
    }

    /// Every registered learner's registration (the staff who assess and quality-assure
    /// them, without personal data), by reference, read in one snapshot.
    public func registrations() throws -> [String: Attest_V1_LearnerRegistered] {
        var registrations: [String: Attest_V1_LearnerRegistered] = [:]
        for (learner, value) in try rulesEntries(under: EntityKind.learner.prefix) {
            registrations[learner] = try Attest_V1_LearnerState(serializedBytes: value).registration
        }
        return registrations
    }

    /// The learner whose registration holds ULN `uln`, found through its keyed digest, or `nil`.
    public func learner(holdingULN uln: String) throws -> String? {
        let key = Array(EntityKind.uln.key(try ulnDigest(uln)).utf8)
        return try log.environment.read { txn in try txn.get(state, key: key) }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The learners external quality assurer `eqa` asked to see (`eqa_sample.requested`).
    public func learners(sampledBy eqa: String) throws -> Set<String> {
        Set(try rulesEntries(under: EntityKind.eqaSampled.key(EntityKind.id(eqa, ""))).map(\.id))
    }

    /// What the rules remember under `prefix`, each by the rest of its key, in one snapshot.
    private func rulesEntries(under prefix: String) throws -> [(id: String, value: [UInt8])] {
        try log.environment.read { txn in
            try txn.withReader { reader in
                try reader.entries(state, prefix: Array(prefix.utf8)).map { (String(decoding: $0.key.dropFirst(prefix.utf8.count), as: UTF8.self), $0.value) }
            }
        }
    }
}
