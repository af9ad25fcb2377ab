import Assessment
import Centre
import Checkpoints
import EventLog
import Foundation

/// What a replay established, or the first breach it found.
public struct ReplayReport: Encodable, Sendable {
    /// True when nothing was found wrong.
    public private(set) var verified = true
    /// `store`, `bundle` or `learner bundle`.
    public var source: String
    /// The records checked (chain, Merkle tree, decoding).
    public var records: UInt64 = 0
    /// The checkpoint verified against.
    public var checkpoint: CheckpointSummary?
    /// Whose key the signature was checked with: `supplied` (one given to the replay) or `centre` (the store's or bundle's own).
    public var key: String = "centre"
    /// The size of the earlier checkpoint the log was shown to extend, when given one.
    public var extends: UInt64?
    /// The sequence from which the signed checkpoint proves each learner's records complete
    /// (its `learners` line); `nil` when it carries none.
    public var learnersFrom: UInt64?
    /// The events replayed through the centre's rules and the projections.
    public var replayed: UInt64 = 0
    /// The events replayed whose personal fields stayed sealed (the replay holds no
    /// learner's key): checked for integrity and by every rule that needs no personal data.
    public var sealed: UInt64 = 0
    /// The registrations among them, whose date of birth (`minimum-age`) and ULN
    /// (`uln-unique`) the rules could not check again.
    public var sealedRegistrations: UInt64 = 0
    /// The learners erased (`learner.erased`), and how many of the events with sealed
    /// fields are theirs: checked for integrity only, for their personal data is gone.
    public var erasedLearners: Int = 0
    public var sealedOfErased: UInt64 = 0
    /// The EQA's key the bundle discloses learners' data keys to, and those learners; `nil`
    /// when it discloses none.
    public var disclosedTo: String?
    public var disclosedLearners: [String]?
    /// Whether the disclosed keys were opened with the EQA's identity (`ReplayOptions.identity`),
    /// and the events whose sealed fields they opened.
    public var keysOpened = false
    public var opened: UInt64 = 0
    /// The last sequence replayed, when the replay stopped at a point (`AsOf`).
    public var asOf: UInt64?
    /// That point on the centre's calendar, e.g. `2025-03-01 (the end of that day in
    /// Europe/London, 2025-03-01T23:59:59.999999Z)`.
    public var asOfPoint: HistoryPoint?
    /// The stored report entries found equal to the rebuilt ones.
    public var reportsCompared: Int = 0
    /// The learners whose transcripts were rebuilt.
    public var learners: Int = 0
    /// What was not checked, and why (e.g. a one-learner bundle cannot be replayed through the rules).
    public var notChecked: [String] = []
    /// What the EQA should know though it is no breach (e.g. the bundle's key file differs from the key supplied).
    public var warnings: [String] = []
    /// The checkpoint verified, with the EQA's signature line added (`ReplayOptions.cosigner`).
    public var cosigned: String?
    public var seconds: Double = 0
    /// The first breach found, if any.
    public var breach: Breach? { didSet { verified = breach == nil } }

    public init(source: String) { self.source = source }

    /// A few lines for a person.
    public var summary: String {
        var lines: [String] = []
        if let checkpoint {
            lines.append("checkpoint   \(checkpoint.origin), \(checkpoint.size) records, root \(checkpoint.root)" + (checkpoint.time.map { ", \($0)" } ?? ""))
            lines.append("signature    checked with \(key == "supplied" ? "the key supplied" : "the centre's own key (supply the key you hold to check with yours)")")
        }
        lines.append("records      \(records) checked: " + (source == "learner bundle" ? "inclusion proofs, decoding" : "chain, Merkle root, decoding"))
        if let extends { lines.append("consistency  the log extends the checkpoint of \(extends) records kept from before") }
        if let learnersFrom, let checkpoint, breach == nil {
            lines.append(source == "learner bundle"
                ? "complete     the bundle holds every record of its learner from sequence \(learnersFrom) to \(checkpoint.size)"
                : "learners     every record's link to its learner's previous one, and the signed map of learners, from sequence \(learnersFrom)")
        }
        if let asOfPoint, replayed == 0, breach == nil {
            lines.append("rules        \(EmptyHistory(point: asOfPoint))")
        } else if replayed > 0 || source != "learner bundle" {
            lines.append("rules        \(replayed) events replayed in order" + (asOf.map { " (to sequence \($0))" } ?? ""))
        }
        if sealed > 0 {
            lines.append("personal     \(sealed) events hold personal data sealed under their learners' keys, not held here: "
                + "checked for integrity and by every rule but minimum-age and uln-unique, not re-run on \(sealedRegistrations) registrations")
        }
        if let disclosedTo, let disclosedLearners {
            lines.append("disclosed    the data keys of \(disclosedLearners.count) learners (\(disclosedLearners.joined(separator: ", "))) to \(disclosedTo): "
                + (keysOpened ? "opened with your identity, and with them the personal fields of \(opened) events" : "give the identity of that key to open them"))
        }
        if erasedLearners > 0 {
            lines.append("erased       \(erasedLearners) learners' personal data, in \(sealedOfErased) of those events, can be read by no one again")
        }
        if reportsCompared > 0 { lines.append("reports      \(reportsCompared) stored entries equal the rebuilt ones (\(learners) learners)") }
        for note in notChecked { lines.append("not checked  \(note)") }
        for warning in warnings { lines.append("WARNING      \(warning)") }
        if cosigned != nil { lines.append("cosigned     the checkpoint, with your key") }
        if let breach {
            lines.append("FAILED       \(breach)")
        } else {
            lines.append(String(format: "verified     %@ in %.2fs", source, seconds))
        }
        return lines.joined(separator: "\n")
    }
}

/// A checkpoint as a report shows it.
public struct CheckpointSummary: Codable, Equatable, Sendable {
    public let origin: String
    public let size: UInt64
    public let root: String
    /// The checkpoint's `time` line, when it has one.
    public let time: String?

    init(_ checkpoint: Checkpoint) {
        origin = checkpoint.origin
        size = checkpoint.size
        root = checkpoint.root.hex
        time = checkpoint.time.map { Timestamp.format($0) }
    }
}
