import Assessment
import Centre
import Records
import SwiftProtobuf

/// The transcripts' key layout: every kind of entry the report keeps.
public enum TranscriptKeys {
    /// Each learner's record (`LearnerProgress`), by learner.
    public static let records = KeyTable<Attest_V1_LearnerRecord>("learner")
    /// Each piece of evidence, submitted or withdrawn since, by its id.
    public static let evidence = KeyTable<Attest_V1_EvidenceEntry>("learner-evidence")
    /// Each learner's standing, by learner, as the list of learners shows it.
    public static let standings = KeyTable<Attest_V1_LearnerStanding>("standing")
    /// Each learner's audit gaps, by learner, while they have any.
    public static let gaps = KeyTable<Attest_V1_LearnerGaps>("gaps")

    /// The learner each assessment, adjustment or RPL credit (`part`) belongs to, by its id.
    public static func owners(of part: LearnerRecordPart) -> KeyTable<String> { KeyTable("owner/" + part.rawValue) }
}

/// The standardisation audit's key layout: every kind of entry the report keeps.
public enum AuditKeys {
    /// Each assessor's activity, by staff id.
    public static let assessors = KeyTable<Attest_V1_AssessorActivity>("assessor")
    /// Each IQA's activity, by staff id.
    public static let iqas = KeyTable<Attest_V1_IqaActivity>("iqa")
    /// Decisions and samples by unit, and by the method that confirmed a criterion.
    public static let units = KeyTable<Attest_V1_Tally>("unit")
    public static let methods = KeyTable<Attest_V1_Tally>("method")
    /// The sampling grid's cells, by `ASSESSOR/UNIT`.
    public static let cells = KeyTable<Attest_V1_GridCell>("cell")
    /// What the audit needs of each piece of evidence, and of each decision, by id.
    public static let evidence = KeyTable<Attest_V1_EvidenceFacts>("evidence")
    public static let decisions = KeyTable<Attest_V1_DecisionFacts>("decision")
    /// A mark under `ASSESSOR/LEARNER` once an assessor has judged a learner's evidence.
    public static let assessed = KeyTable<Mark>("assessed")
}

/// Any table of either report, as a replay describes an entry that differs: the message
/// its value holds, and the learner it concerns.
package struct ReportTable: Sendable {
    package let prefix: String
    /// The message each value holds; `nil` for a mark or a learner's reference.
    package let messageType: (any SwiftProtobuf.Message.Type)?
    /// The learner an entry concerns, from its id and its stored bytes when at hand.
    package let learner: @Sendable (_ id: String, _ value: [UInt8]?) -> String?

    init<M: SwiftProtobuf.Message>(_ table: KeyTable<M>, learner: @escaping @Sendable (String, [UInt8]?) -> String? = { _, _ in nil }) {
        prefix = table.prefix
        messageType = M.self
        self.learner = learner
    }

    init<V>(_ table: KeyTable<V>, learner: @escaping @Sendable (String, [UInt8]?) -> String? = { _, _ in nil }) {
        prefix = table.prefix
        messageType = nil
        self.learner = learner
    }

    /// The transcripts' tables.
    package static let transcripts: [ReportTable] = {
        let byID: @Sendable (String, [UInt8]?) -> String? = { id, _ in id }
        let byValue: @Sendable (String, [UInt8]?) -> String? = { _, value in value.map { String(decoding: $0, as: UTF8.self) } }
        return [
            ReportTable(TranscriptKeys.records, learner: byID),
            ReportTable(TranscriptKeys.evidence) { _, value in value.flatMap { try? Attest_V1_EvidenceEntry(serializedBytes: $0).learnerID } },
            ReportTable(TranscriptKeys.standings, learner: byID),
            ReportTable(TranscriptKeys.gaps, learner: byID),
        ] + [LearnerRecordPart.assessment, .adjustment, .rpl].map { ReportTable(TranscriptKeys.owners(of: $0), learner: byValue) }
    }()

    /// The audit's tables.
    package static let audit: [ReportTable] = [
        ReportTable(AuditKeys.assessors), ReportTable(AuditKeys.iqas), ReportTable(AuditKeys.units), ReportTable(AuditKeys.methods),
        ReportTable(AuditKeys.cells), ReportTable(AuditKeys.evidence), ReportTable(AuditKeys.decisions), ReportTable(AuditKeys.assessed),
    ]

    /// The table `key` belongs to, if any.
    package static func of(_ key: String) -> ReportTable? { (transcripts + audit).first { key.hasPrefix($0.prefix) } }
}
