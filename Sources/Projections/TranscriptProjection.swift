import Assessment
import Centre
import EventLog
import Foundation
import Records
import SwiftProtobuf

/// Keeps, for each learner, the facts their transcript is computed from (see
/// `LearnerProgress`): evidence, decisions (as revised), RPL, adjustments and samples,
/// the criteria met, and when their specification was first completed.
public struct TranscriptProjection: Projection {
    public let name = "transcripts"
    /// 5: the learner's names.
    public let version: UInt32 = 5

    public init() {}

    public func apply(_ events: [RecordedEvent], to state: ProjectionState) throws {
        let progress = LearnerProgress(records: LearnerRecords(state: state), specification: state.specification)
        for event in events {
            try progress.apply(event.event, by: event.actor, at: event.occurredAtMicros, sequence: event.sequence)
        }
    }
}

/// The learner records in a projection's store, kept decoded between events, with an
/// index from evidence, assessment, adjustment and RPL ids to their learner.
final class LearnerRecords: LearnerRecordKeeping {
    private let state: ProjectionState
    private let records: KeptMessages<Attest_V1_LearnerRecord>

    init(state: ProjectionState) {
        self.state = state
        records = state.messages(Attest_V1_LearnerRecord.self, under: Self.prefix)
    }

    /// Where the learner's record is kept.
    static func key(_ learner: String) -> String { prefix + learner }

    private static let prefix = "learner/"

    func record(_ learner: String) throws -> Attest_V1_LearnerRecord? { try records.get(learner) }

    func save(_ record: Attest_V1_LearnerRecord) throws { records.set(record.learnerID, record) }

    func update(_ learner: String, _ body: (inout Attest_V1_LearnerRecord) throws -> Void) throws -> Bool {
        try records.update(learner, body)
    }

    func own(_ kind: LearnerRecordPart, _ id: String, by learner: String) throws {
        try state.save("owner/" + kind.rawValue + "/" + id, Array(learner.utf8))
    }

    func owner(_ kind: LearnerRecordPart, _ id: String) throws -> String? {
        try state.load("owner/" + kind.rawValue + "/" + id).map { String(decoding: $0, as: UTF8.self) }
    }
}
