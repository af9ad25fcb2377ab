import Assessment

extension CentreStore {
    /// Learner `learner`'s transcript as the store holds it now, or `nil` for an unknown learner.
    public func transcript(of learner: String) throws -> Transcript? {
        try readProjections { snapshot in
            guard let record = try LearnerRecords(store: snapshot.state(of: TranscriptProjection().name)).record(learner),
                  let compiled = try snapshot.specification(record.qualification, version: record.specificationVersion)
            else { return nil }
            return Transcript(record: record, specification: compiled)
        }
    }
}
