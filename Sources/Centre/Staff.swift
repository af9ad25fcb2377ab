import Assessment
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
}
