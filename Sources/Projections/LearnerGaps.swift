import Assessment
import Centre
import Records

/// A learner's gaps as the audit lists them, worked out from their record whenever a batch
/// changes it and kept by the transcripts projection (`TranscriptKeys.gaps`) while there are
/// any, so that the audit reads these few entries rather than every learner's record.
extension Attest_V1_LearnerGaps {
    /// The gaps of the learner `record` keeps, who has `complete`d their specification or
    /// not, against its competence criteria `competence`; `nil` when there are none.
    init?(_ record: Attest_V1_LearnerRecord, complete: Bool, _ competence: CompetenceCriteria) {
        let competence = Audit.CompetenceGap.all(in: record, competence)
        let withoutSummative = complete && !record.samples.contains { $0.stage == .summative }
        guard withoutSummative || !competence.isEmpty else { return nil }
        self.init()
        achievedWithoutSummativeSample = withoutSummative
        competenceWithoutPerformanceEvidence = competence.map { gap in
            .with { $0.unit = gap.unit; $0.criterion = gap.criterion; $0.methods = gap.methods }
        }
    }

    /// Every learner's gaps in `snapshot`, in the order of their keys: as kept, or with
    /// `fromRecords` worked out afresh from every learner's record (their criteria met too).
    static func all(in snapshot: ProjectionSnapshot, fromRecords: Bool = false) throws -> [(learner: String, gaps: Self)] {
        let transcripts = TranscriptProjection().name
        guard fromRecords else {
            return try snapshot.messages(of: transcripts, in: TranscriptKeys.gaps).map { ($0.id, $0.message) }
        }
        let specifications = Specifications { try snapshot.specification($0, version: $1) }
        return try snapshot.messages(of: transcripts, in: TranscriptKeys.records).compactMap { _, record in
            var record = record
            guard let (specification, competence) = try specifications.of(record) else { return nil }
            record.recomputeMet(in: specification)
            return Self(record, complete: Transcript.isComplete(record, in: specification), competence).map { (record.learnerID, $0) }
        }
    }

    /// The competence gaps as the audit lists them, of learner `learner`.
    func competenceGaps(of learner: String) -> [Audit.CompetenceGap] {
        competenceWithoutPerformanceEvidence.map { Audit.CompetenceGap(learner: learner, unit: $0.unit, criterion: $0.criterion, methods: $0.methods) }
    }
}

/// Specifications by id and version, each compiled and indexed once, for working out the
/// gaps of many learners.
final class Specifications {
    private let load: (String, UInt32) throws -> CompiledSpecification?
    private var known: [String: (CompiledSpecification, CompetenceCriteria)] = [:]

    init(_ load: @escaping (String, UInt32) throws -> CompiledSpecification?) { self.load = load }

    /// The specification learner `record` is registered on, with its competence criteria; `nil` when the log holds none.
    func of(_ record: Attest_V1_LearnerRecord) throws -> (CompiledSpecification, CompetenceCriteria)? {
        let key = record.qualification + " " + String(record.specificationVersion)
        if let found = known[key] { return found }
        guard let specification = try load(record.qualification, record.specificationVersion) else { return nil }
        known[key] = (specification, CompetenceCriteria(specification))
        return known[key]
    }
}
