import Assessment
import Centre
import EventLog
import Foundation
import Records
import SwiftProtobuf

/// Keeps, for each learner, the facts their transcript is computed from (see
/// `LearnerProgress`): decisions (as revised), RPL, adjustments and samples, the criteria
/// met, and when their specification was first completed; and each piece of evidence
/// beside them.
public struct TranscriptProjection: Projection {
    public let name = "transcripts"
    /// 5: the learner's names. 6: each learner's audit gaps (`gaps/LEARNER`). 7: each
    /// learner's standing (`standing/LEARNER`). 8: evidence beside the record
    /// (`learner-evidence/ID`), each decision with its evidence's unit, method and withdrawal.
    public let version: UInt32 = 8

    public init() {}

    public func apply(_ events: [RecordedEvent], to state: ProjectionState) throws {
        let records = LearnerRecords(state: state)
        let progress = LearnerProgress(records: records, specification: state.specification)
        for event in events {
            try progress.apply(event.event, by: event.actor, at: event.occurredAtMicros, sequence: event.sequence)
        }
        try records.keepSummaries()
    }
}

/// The learner records in a projection's store, kept decoded between events, with their
/// evidence, an index from assessment, adjustment and RPL ids to their learner, and the
/// learners whose records changed since it was made.
final class LearnerRecords: LearnerRecordKeeping {
    private let state: ProjectionState
    private let records: KeptMessages<Attest_V1_LearnerRecord>
    /// The learners whose standing and gaps may have changed since they were last kept.
    private var changed: Set<String> = []

    init(state: ProjectionState) {
        self.state = state
        records = state.messages(in: TranscriptKeys.records)
    }

    func record(_ learner: String) throws -> Attest_V1_LearnerRecord? { try records.get(learner) }

    func save(_ record: Attest_V1_LearnerRecord) throws {
        records.set(record.learnerID, record)
        changed.insert(record.learnerID)
    }

    func update(_ learner: String, _ body: (inout Attest_V1_LearnerRecord) throws -> Void) throws -> Bool {
        guard try records.update(learner, body) else { return false }
        changed.insert(learner)
        return true
    }

    /// Written at once rather than kept decoded: a piece of evidence is read again only when
    /// it is assessed or withdrawn, and a rebuild would otherwise hold every one until it
    /// writes.
    func keep(_ evidence: Attest_V1_EvidenceEntry) throws {
        try state.save(evidence, in: TranscriptKeys.evidence, evidence.evidenceID)
    }

    func evidence(_ id: String) throws -> Attest_V1_EvidenceEntry? {
        try state.load(TranscriptKeys.evidence, id)
    }

    /// Works out, for each learner whose record changed (once however many of their
    /// events changed it), their standing, kept under `standing/LEARNER`, and their audit
    /// gaps, kept while there are any.
    func keepSummaries() throws {
        let specifications = Specifications(state.specification)
        for learner in changed {
            guard let record = try records.get(learner), let (specification, competence) = try specifications.of(record) else { continue }
            let complete = Transcript.isComplete(record, in: specification)
            try keep(Attest_V1_LearnerStanding(record, complete: complete), in: TranscriptKeys.standings, learner)
            try keep(Attest_V1_LearnerGaps(record, complete: complete, competence), in: TranscriptKeys.gaps, learner)
        }
        changed = []
    }

    /// Saves `summary` under `learner` in `table` unless it is stored already, or removes
    /// the entry when there is none.
    private func keep<M: SwiftProtobuf.Message>(_ summary: M?, in table: KeyTable<M>, _ learner: String) throws {
        let key = table.key(learner)
        let stored = try state.load(key)
        if let summary {
            let bytes = try summary.stateBytes()
            if bytes != stored { try state.save(key, bytes) }
        } else if stored != nil {
            try state.remove(key)
        }
    }

    func own(_ kind: LearnerRecordPart, _ id: String, by learner: String) throws {
        try state.save(TranscriptKeys.owners(of: kind).key(id), Array(learner.utf8))
    }

    func owner(_ kind: LearnerRecordPart, _ id: String) throws -> String? {
        try state.load(TranscriptKeys.owners(of: kind).key(id)).map { String(decoding: $0, as: UTF8.self) }
    }
}
