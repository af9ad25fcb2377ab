import Centre
import Records

/// An assessment decision as an IQA choosing what to sample sees it: whose, when, and the
/// samples already taken of it.
public struct DecisionToSample: Sendable, Equatable {
    public let assessment: String
    public let learner: String
    public let evidence: String
    /// When it was decided (RFC 3339).
    public let decidedAt: String
    /// The stages it was sampled at so far, oldest first (`interim`, `summative`).
    public let sampledAt: [String]
}

extension CentreStore {
    /// The decisions of `assessor` on `unit` for any of `learners`, newest first, read from
    /// their transcripts' records in one snapshot.
    public func decisions(by assessor: String, on unit: String, for learners: some Sequence<String>) throws -> [DecisionToSample] {
        try readProjections { snapshot in
            let transcripts = try snapshot.state(of: TranscriptProjection().name)
            var found: [(micros: Int64, decision: DecisionToSample)] = []
            for learner in learners {
                guard let record = try transcripts.load(TranscriptKeys.records, learner) else { continue }
                for decision in record.decisions where decision.assessor == assessor && decision.unit == unit {
                    let stages = record.samples.filter { $0.assessmentID == decision.assessmentID }.map { $0.stage == .summative ? "summative" : "interim" }
                    found.append((decision.decidedAtMicros, DecisionToSample(
                        assessment: decision.assessmentID, learner: learner, evidence: decision.evidenceID,
                        decidedAt: Transcript.date(decision.decidedAtMicros), sampledAt: stages)))
                }
            }
            return found.sorted { $0.micros > $1.micros }.map(\.decision)
        }
    }
}
