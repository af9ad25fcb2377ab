import Assessment

extension CentreStore {
    /// The projections Attest keeps.
    public static let reports: [any Projection] = [TranscriptProjection()]

    /// Learner `learner`'s transcript as the store holds it now, or `nil` for an unknown learner.
    public func transcript(of learner: String) throws -> Transcript? {
        try read(projection: TranscriptProjection().name) { state, specification in
            guard let record = try LearnerRecords(store: state).record(learner),
                  let compiled = try specification(record.qualification, record.specificationVersion)
            else { return nil }
            return Transcript(record: record, specification: compiled)
        }
    }
}
