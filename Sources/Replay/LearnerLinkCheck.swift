import Bundles
import Centre
import EventLog
import Merkle

/// Follows every record's link to its learner's previous record (fields 14 and 15), as
/// the records stream in, and rebuilds the map of learners' latest records that a signed
/// checkpoint commits to (`LearnerMap`). The learners' entries are held in memory, up to
/// `heldAtMost` of them, then written out to `state` (scratch files, or memory), so the heap
/// does not grow with the number of learners a log claims.
struct LearnerLinkCheck {
    /// From which sequence records are linked, as the signed checkpoint says.
    let from: UInt64
    private let state: any ReplayState
    private var held: [String: LearnerEntry] = [:]
    private static let heldAtMost = 1 << 16

    init(from: UInt64, state: any ReplayState) {
        self.from = from
        self.state = state
    }

    /// Checks record `record`'s link. - Throws: `Breach` of kind `integrity`.
    mutating func check(_ record: Record) throws {
        let sequence = record.sequence
        guard sequence >= from else {
            guard record.learner.isEmpty, record.learnerPrevious == 0 else {
                throw Breach(.integrity, sequence: sequence, eventID: record.eventIDText, detail:
                    "the record is linked to learner \(record.learner) but the signed checkpoint says records are linked from sequence \(from) only")
            }
            return
        }
        guard !record.learner.isEmpty else {
            guard record.learnerPrevious == 0 else {
                throw Breach(.integrity, sequence: sequence, eventID: record.eventIDText, detail:
                    "the record names no learner but a learner's previous record, \(record.learnerPrevious)")
            }
            return
        }
        var entry = try held[record.learner] ?? state.load(record.learner).flatMap { LearnerEntry(encoded: $0) } ?? .none
        let previous = entry.link(sequence)
        guard record.learnerPrevious == previous else {
            throw Breach(.integrity, sequence: sequence, eventID: record.eventIDText, learner: record.learner, detail: previous == 0
                ? "the record names \(record.learnerPrevious) as the learner's previous record, but it is their first since sequence \(from)"
                : "the record names \(record.learnerPrevious) as the learner's previous record, but it is \(previous)")
        }
        held[record.learner] = entry
        if held.count > Self.heldAtMost { try writeOut() }
    }

    /// Writes the entries held out to `state`.
    private mutating func writeOut() throws {
        for (learner, entry) in held { try state.save(learner, entry.encoded) }
        try state.settle()
        held.removeAll(keepingCapacity: true)
    }

    /// The map of the learners' entries so far.
    mutating func map() throws -> LearnerMap {
        try writeOut()
        let entries = try state.entries(prefix: "").map { (learner: $0.key, entry: LearnerEntry(encoded: $0.value)!) }
        return LearnerMap(from: from, entries: entries)
    }
}

/// Follows the links of one learner's records through a one-learner bundle, then checks the
/// learner's entry in the signed map of learners: together they show the bundle holds every
/// record of the learner from the map's first sequence to the checkpoint.
struct LearnerBundleLinks {
    let learner: String
    /// From which sequence records are linked, as the signed checkpoint says.
    let from: UInt64
    /// The last linked record followed, and how many were.
    private var followed = LearnerEntry.none

    init(learner: String, from: UInt64) {
        self.learner = learner
        self.from = from
    }

    /// Follows the next record of the bundle, in log order. - Throws: `Breach` naming the
    /// record withheld, when the record's link skips one.
    mutating func follow(_ record: Record) throws {
        let sequence = record.sequence
        guard sequence >= from else { return }
        guard record.learner == learner else {
            throw Breach(.integrity, sequence: sequence, eventID: record.eventIDText, learner: learner, detail:
                "the record is not linked to learner \(learner) (it names \(record.learner.isEmpty ? "no learner" : record.learner)), though its event concerns them")
        }
        let previous = followed.link(sequence)
        if record.learnerPrevious > previous {
            throw Breach(.integrity, sequence: record.learnerPrevious, learner: learner, file: BundleFile.records, detail:
                "record \(record.learnerPrevious) of learner \(learner) is not in the bundle: record \(sequence) names it as the learner's previous record")
        }
        if record.learnerPrevious < previous {
            throw Breach(.integrity, sequence: sequence, eventID: record.eventIDText, learner: learner, detail:
                "the record names \(record.learnerPrevious) as the learner's previous record, but the bundle holds their record \(previous) between them")
        }
    }

    /// After the last record: the learner's entry in the signed map must be proven, and be
    /// the last record followed and their number. - Returns: a note when completeness
    /// cannot be shown (the learner has no records from `from` on). - Throws: `Breach`.
    func checkComplete(_ bundle: BundleReader, map: LearnerMap) throws -> String? {
        guard bundle.holds(BundleFile.completeness) else {
            if followed.records == 0 {
                return "that the bundle holds every record of learner \(learner): they have none from sequence \(from), where the signed map of learners starts, and an absence cannot be proven"
            }
            throw Breach(.malformed, file: BundleFile.completeness, detail:
                "the signed checkpoint maps every learner's records but the bundle carries no proof of learner \(learner)'s entry")
        }
        let line = try bundle.completeness()
        let (index, signedLatest, signedRecords) = (line.numbers[0], line.numbers[1], line.numbers[2])
        let leaf = LearnerEntry(latest: signedLatest, records: signedRecords).leafHash(learner: learner)
        do {
            try Proof.verifyInclusion(leafHash: leaf, leafIndex: index, treeSize: map.learners, proof: line.path, root: map.root)
        } catch let error as ProofError {
            throw Breach(.integrity, learner: learner, file: BundleFile.completeness, detail:
                "the entry of learner \(learner) (latest record \(signedLatest), \(signedRecords) records) is not in the map of learners the checkpoint signs: its proof fails (\(error))")
        }
        let latest = followed.latest
        if signedLatest > latest {
            throw Breach(.integrity, sequence: signedLatest, learner: learner, file: BundleFile.records, detail:
                "the learner's latest record, \(signedLatest), is not in the bundle (its last is \(latest == 0 ? "none" : String(latest))): it was withheld")
        }
        guard signedLatest == latest, signedRecords == followed.records else {
            throw Breach(.integrity, sequence: latest, learner: learner, detail:
                "the bundle holds \(followed.records) linked records of the learner, the last \(latest), but the signed map of learners says \(signedRecords), the last \(signedLatest)")
        }
        return nil
    }
}
