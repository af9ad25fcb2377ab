import Assessment
import LMDB
import Records

extension CentreStore {
    /// Staff member `id` as registered (`staff.registered`), or `nil` when they are not.
    public func staff(_ id: String) throws -> Attest_V1_StaffRegistered? {
        try entities { try $0.staff(id)?.registration }
    }

    /// The staff who assess and quality-assure learner `id` (their registration, without
    /// personal data), or `nil` when no such learner is registered.
    public func registration(of learner: String) throws -> Attest_V1_LearnerRegistered? {
        try entities { try $0.learner(learner)?.registration }
    }

    /// Every registered learner's registration (the staff who assess and quality-assure
    /// them, without personal data), by reference, read in one snapshot.
    public func registrations() throws -> [String: Attest_V1_LearnerRegistered] {
        let prefix = EntityKind.learner.rawValue + "/"
        return try log.environment.read { txn in
            try txn.withReader { reader in
                var registrations: [String: Attest_V1_LearnerRegistered] = [:]
                for entry in try reader.entries(state, prefix: Array(prefix.utf8)) {
                    let learner = String(decoding: entry.key.dropFirst(prefix.utf8.count), as: UTF8.self)
                    registrations[learner] = try Attest_V1_LearnerState(serializedBytes: entry.value).registration
                }
                return registrations
            }
        }
    }

    /// The learners external quality assurer `eqa` asked to see (`eqa_sample.requested`).
    public func learners(sampledBy eqa: String) throws -> Set<String> {
        let prefix = EQASample.prefix(eqa)
        return try log.environment.read { txn in
            try txn.withReader { reader in
                Set(try reader.entries(state, prefix: Array(prefix.utf8)).map { String(decoding: $0.key.dropFirst(prefix.utf8.count), as: UTF8.self) })
            }
        }
    }
}
