import Assessment
import Centre
import Records

extension CentreStore {
    /// Learner `learner`'s transcript as the store holds it now (or at `point`, replayed),
    /// or `nil` for an unknown learner.
    public func transcript(of learner: String, asOf point: AsOf? = nil) throws -> Transcript? {
        try read(asOf: point) { snapshot in
            guard let bytes = try snapshot.state(of: TranscriptProjection().name).load(LearnerRecords.key(learner)) else { return nil }
            let record = try Attest_V1_LearnerRecord(serializedBytes: bytes)
            guard let compiled = try snapshot.specification(record.qualification, version: record.specificationVersion) else { return nil }
            return Transcript(record: record, specification: compiled)
        }
    }

    /// Every learner's transcript, in learner order, from one snapshot (or one replay to `point`).
    public func transcripts(asOf point: AsOf? = nil) throws -> [Transcript] {
        try read(asOf: point) { try Transcript.all(in: $0) }
    }

    /// Reads the stored projections, or replays them to `point`.
    func read<R>(asOf point: AsOf?, _ body: (ProjectionSnapshot) throws -> R) throws -> R {
        if let point { try readProjections(asOf: point, body) } else { try readProjections(body) }
    }
}

extension Transcript {
    /// Every learner's transcript in `snapshot`, in learner order. With `recomputingMet`,
    /// the criteria met are worked out afresh from the decisions and credits, for a
    /// report an earlier version of the code built, which keeps none.
    static func all(in snapshot: ProjectionSnapshot, recomputingMet: Bool = false) throws -> [Transcript] {
        try snapshot.entries(of: TranscriptProjection().name, prefix: "learner/").compactMap { entry in
            var record = try Attest_V1_LearnerRecord(serializedBytes: entry.value)
            guard let specification = try snapshot.specification(record.qualification, version: record.specificationVersion) else { return nil }
            if recomputingMet { record.recomputeMet(in: specification) }
            return Transcript(record: record, specification: specification)
        }
    }
}
