import Assessment
import Centre
import EventLog
import Records

extension CentreStore {
    /// Learner `learner`'s transcript as the store holds it now (or at `point`, replayed),
    /// or `nil` for an unknown learner.
    public func transcript(of learner: String, asOf point: AsOf? = nil) throws -> Transcript? {
        let details = PersonalDetails(log: log, keyring: Keyring(store: log.environment.path))
        return try read(asOf: point) { snapshot in
            guard let bytes = try snapshot.state(of: TranscriptProjection().name).load(LearnerRecords.key(learner)) else { return nil }
            let record = try Attest_V1_LearnerRecord(serializedBytes: bytes)
            guard let compiled = try snapshot.specification(record.qualification, version: record.specificationVersion) else { return nil }
            var transcript = Transcript(record: record, specification: compiled)
            try details.add(to: &transcript, from: record)
            return transcript
        }
    }

    /// Every learner's transcript, in learner order, from one snapshot (or one replay to `point`).
    public func transcripts(asOf point: AsOf? = nil) throws -> [Transcript] {
        let keyring = Keyring(store: log.environment.path)
        try keyring.loadAll()
        return try read(asOf: point) { try Transcript.all(in: $0, details: PersonalDetails(log: log, keyring: keyring)) }
    }

    /// Every learner as a list of learners shows them, in learner order: their reference,
    /// qualification and status as their transcript gives it, without reading personal
    /// details or working out the rest of the transcript.
    public func learnerStandings() throws -> [LearnerStanding] {
        try readProjections { snapshot in
            try snapshot.entries(of: TranscriptProjection().name, prefix: "learner/").compactMap { entry in
                // A standing rests on the criteria met, not on the entries they were worked
                // out from (evidence, decisions, RPL, adjustments, samples): those are left undecoded.
                let record = try Attest_V1_LearnerRecord(serializedBytes: PayloadFields.without(entry.value, [6, 7, 8, 9, 10]))
                guard let compiled = try snapshot.specification(record.qualification, version: record.specificationVersion) else { return nil }
                return LearnerStanding(
                    learner: record.learnerID, qualification: record.qualification, status: Transcript.status(of: record, in: compiled),
                    achievedAt: record.achievedAtMicros == 0 ? nil : Transcript.date(record.achievedAtMicros))
            }
        }
    }

    /// Reads the stored projections, or replays them to `point`.
    func read<R>(asOf point: AsOf?, _ body: (ProjectionSnapshot) throws -> R) throws -> R {
        if let point { try readProjections(asOf: point, body) } else { try readProjections(body) }
    }
}

/// A learner as a list of learners shows them; no personal data.
public struct LearnerStanding: Sendable, Equatable {
    public let learner: String
    public let qualification: String
    /// As `Transcript.status` gives it.
    public let status: String
    /// When the specification was first completed (RFC 3339), as the transcript's `achievedAt`.
    public let achievedAt: String?
}

extension Transcript {
    /// Every learner's transcript in `snapshot`, in learner order, with their personal
    /// details when `details` reads them. With `recomputingMet`, the criteria met are
    /// worked out afresh from the decisions and credits, for a report an earlier version
    /// of the code built, which keeps none.
    static func all(in snapshot: ProjectionSnapshot, recomputingMet: Bool = false, details: PersonalDetails? = nil) throws -> [Transcript] {
        try snapshot.entries(of: TranscriptProjection().name, prefix: "learner/").compactMap { entry in
            var record = try Attest_V1_LearnerRecord(serializedBytes: entry.value)
            guard let specification = try snapshot.specification(record.qualification, version: record.specificationVersion) else { return nil }
            if recomputingMet { record.recomputeMet(in: specification) }
            var transcript = Transcript(record: record, specification: specification)
            try details?.add(to: &transcript, from: record)
            return transcript
        }
    }
}

/// A learner's personal details — ULN, names, the arrangements of their approved
/// adjustments — read from the records their report names when a transcript is shown:
/// reports keep no personal data.
struct PersonalDetails {
    let log: EventLog
    let keyring: Keyring

    func add(to transcript: inout Transcript, from record: Attest_V1_LearnerRecord) throws {
        guard record.erasedIn == 0 else { return }
        if case let .learnerRegistered(m)? = try event(at: record.registeredIn) {
            transcript.uln = m.uln.nonEmpty
            (transcript.givenName, transcript.familyName) = (m.givenName.nonEmpty, m.familyName.nonEmpty)
        }
        if case let .learnerNameCorrected(m)? = try event(at: record.namesCorrectedIn) {
            (transcript.givenName, transcript.familyName) = (m.givenName.nonEmpty, m.familyName.nonEmpty)
        }
        let requests = Dictionary(record.adjustments.map { ($0.adjustmentID, $0.requestedIn) }, uniquingKeysWith: { first, _ in first })
        for index in transcript.adjustments.indices {
            if case let .adjustmentRequested(m)? = try event(at: requests[transcript.adjustments[index].id] ?? 0) {
                transcript.adjustments[index].arrangement = m.arrangement.nonEmpty ?? ""
            }
        }
    }

    /// The event of the record at `sequence`; `nil` for 0, which names no record.
    private func event(at sequence: UInt64) throws -> DomainEvent? {
        guard sequence != 0, let record = try log.record(at: sequence) else { return nil }
        return try DomainEvent(record: keyring.opened(record))
    }
}

extension String {
    /// The string, or `nil` when it is empty or a sealed field left closed.
    fileprivate var nonEmpty: String? { isEmpty || self == PersonalFields.closed ? nil : self }
}
