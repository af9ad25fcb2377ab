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
            guard let record = try snapshot.state(of: TranscriptProjection().name).load(TranscriptKeys.records, learner) else { return nil }
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
    /// qualification and status as their transcript gives it, read from the standings the
    /// transcripts projection keeps beside their records.
    public func learnerStandings() throws -> [LearnerStanding] {
        try readProjections { snapshot in
            try snapshot.messages(of: TranscriptProjection().name, in: TranscriptKeys.standings).map { learner, standing in
                LearnerStanding(
                    learner: learner, qualification: standing.qualification, status: standing.status,
                    achievedAt: standing.achievedAtMicros == 0 ? nil : Transcript.date(standing.achievedAtMicros))
            }
        }
    }

    /// The names of those of `learners` whose names the store holds (not erased, and
    /// recorded), as `Given Family`, opened from their registrations and corrections: for
    /// finding learners by name. Reports keep no names.
    public func learnerNames(of learners: some Sequence<String>) throws -> [String: String] {
        let keyring = Keyring(store: log.environment.path)
        try keyring.loadAll()
        let details = PersonalDetails(log: log, keyring: keyring)
        let standings = try readProjections { snapshot in
            let transcripts = try snapshot.state(of: TranscriptProjection().name)
            return try learners.compactMap { learner in try transcripts.load(TranscriptKeys.standings, learner).map { (learner, $0) } }
        }
        var names: [String: String] = [:]
        for (learner, standing) in standings where standing.registeredIn != 0 {
            let (given, family) = try details.names(registration: details.event(at: standing.registeredIn), correctedIn: standing.namesCorrectedIn)
            let name = [given, family].compactMap { $0 }.joined(separator: " ")
            if !name.isEmpty { names[learner] = name }
        }
        return names
    }

    /// Reads the stored projections, or replays them to `point`.
    func read<R>(asOf point: AsOf?, _ body: (ProjectionSnapshot) throws -> R) throws -> R {
        if let point { try readProjections(asOf: point, body) } else { try readProjections(body) }
    }
}

/// A learner as a list of learners shows them; no personal data.
public struct LearnerStanding: Sendable, Equatable {
    public init(learner: String, qualification: String, status: String, achievedAt: String?) {
        (self.learner, self.qualification, self.status, self.achievedAt) = (learner, qualification, status, achievedAt)
    }

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
        try snapshot.messages(of: TranscriptProjection().name, in: TranscriptKeys.records).compactMap { _, record in
            var record = record
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
        let registration = try event(at: record.registeredIn)
        if case let .learnerRegistered(m)? = registration { transcript.uln = m.uln.nonEmpty }
        (transcript.givenName, transcript.familyName) = try names(registration: registration, correctedIn: record.namesCorrectedIn)
        let requests = Dictionary(record.adjustments.map { ($0.adjustmentID, $0.requestedIn) }, uniquingKeysWith: { first, _ in first })
        for index in transcript.adjustments.indices {
            if case let .adjustmentRequested(m)? = try event(at: requests[transcript.adjustments[index].id] ?? 0) {
                transcript.adjustments[index].arrangement = m.arrangement.nonEmpty ?? ""
            }
        }
    }

    /// The learner's given and family names: as the last correction (the record at
    /// `correctedIn`, 0 for none) gives them, else as `registration` does.
    func names(registration: DomainEvent?, correctedIn: UInt64) throws -> (given: String?, family: String?) {
        if case let .learnerNameCorrected(m)? = try event(at: correctedIn) { return (m.givenName.nonEmpty, m.familyName.nonEmpty) }
        if case let .learnerRegistered(m)? = registration { return (m.givenName.nonEmpty, m.familyName.nonEmpty) }
        return (nil, nil)
    }

    /// The event of the record at `sequence`; `nil` for 0, which names no record.
    func event(at sequence: UInt64) throws -> DomainEvent? {
        guard sequence != 0, let record = try log.record(at: sequence) else { return nil }
        return try DomainEvent(record: keyring.opened(record))
    }
}

extension String {
    /// The string, or `nil` when it is empty or a sealed field left closed.
    fileprivate var nonEmpty: String? { isEmpty || self == PersonalFields.closed ? nil : self }
}

extension Attest_V1_LearnerStanding {
    /// The standing of the learner `record` keeps, who has `complete`d their specification or not.
    init(_ record: Attest_V1_LearnerRecord, complete: Bool) {
        self.init()
        qualification = record.qualification
        status = Transcript.status(of: record, complete: complete)
        achievedAtMicros = record.achievedAtMicros
        if record.erasedIn == 0 { (registeredIn, namesCorrectedIn) = (record.registeredIn, record.namesCorrectedIn) }
    }
}
