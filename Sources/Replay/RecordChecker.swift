import Assessment
import Centre
import Checkpoints
import EventLog
import Foundation
import Merkle

/// Checks records one at a time as they stream in: the chain, the Merkle root at the signed
/// checkpoint's size and at the sizes of earlier checkpoints kept, the learners' links, and decoding.
struct RecordChecker {
    private(set) var chain = ChainVerifier()
    let checkpoint: Checkpoint
    /// The checkpoints kept from earlier visits, by size (one a size: two of one size with
    /// different roots are a split view, refused before the records are read).
    let kept: [UInt64: Checkpoint]
    /// The sizes of the kept checkpoints the log was shown to extend.
    private(set) var extended: Set<UInt64> = []
    /// The learners' links, followed when the signed checkpoint commits to them.
    private(set) var links: LearnerLinkCheck?
    /// The learners' keys disclosed to the EQA, which open their records' sealed fields.
    let disclosed: DisclosedKeys
    /// The records whose sealed fields were opened with a disclosed key.
    private(set) var opened: UInt64 = 0

    /// A checker against `checkpoint` and the checkpoints `kept`, opening with the keys
    /// `disclosed`; the learners' entries are kept in `state`.
    init(
        checkpoint: Checkpoint, kept: [Checkpoint], disclosed: DisclosedKeys = DisclosedKeys(), state: @autoclosure () throws -> any ReplayState
    ) rethrows {
        self.checkpoint = checkpoint
        self.disclosed = disclosed
        self.kept = Dictionary(kept.map { ($0.size, $0) }) { first, _ in first }
        if let empty = self.kept[0], empty.root == TreeHash.emptyRoot { extended.insert(0) }
        if let map = checkpoint.learners { links = LearnerLinkCheck(from: map.from, state: try state()) }
    }

    /// Whether the log was shown to extend every kept checkpoint.
    var extendsKept: Bool { extended.count == kept.count }

    /// Checks the next record and decodes it. - Throws: `Breach`.
    mutating func check(
        _ bytes: UnsafeRawBufferPointer, following: () throws -> [UInt8]? = { nil }, endHash: Hash? = nil
    ) throws -> DecodedEvent {
        do {
            try chain.append(bytes, following: following, endHash: endHash)
        } catch let failure as VerificationFailure {
            var breach = Breach(failure)
            if failure.sequence == chain.records + 1 { breach.eventID = try? Record(serializedBytes: Array(bytes)).eventIDText }
            throw breach
        }
        let size = chain.records
        if size == checkpoint.size, chain.edge.root != checkpoint.root {
            throw Breach(.integrity, sequence: size, detail:
                "the Merkle root of records 1…\(size) is \(chain.edge.root.hex) but the signed checkpoint says \(checkpoint.root.hex): the chain is intact, so record \(size) was altered or the whole chain was rewritten")
        }
        if let since = kept[size] {
            guard chain.edge.root == since.root else {
                throw Breach(.consistency, sequence: size, detail:
                    "the first \(size) records have Merkle root \(chain.edge.root.hex), not the root \(since.root.hex) of the checkpoint kept from before: the history up to sequence \(size) was rewritten since then")
            }
            extended.insert(size)
        }
        let decoded = try Self.decode(bytes, sequence: size, disclosed: disclosed)
        if try disclosed.note(decoded, bytes: bytes) { opened += 1 }
        if links != nil {
            try links!.check(decoded.record)
            try checkLearnerMaps(at: size)
        }
        return decoded
    }

    /// At the size of the signed checkpoint, and of the one kept from before, the map of
    /// the learners' links must be the one the checkpoint commits to. - Throws: `Breach`.
    private mutating func checkLearnerMaps(at size: UInt64) throws {
        guard links != nil, size == checkpoint.size || kept[size]?.learners != nil else { return }
        let map = try links!.map()
        if size == checkpoint.size, let signed = checkpoint.learners, map != signed {
            throw Breach(.integrity, sequence: size, detail:
                "the records link \(map.learners) learners to their records, with map root \(map.root.hex), but the signed checkpoint's learners line says \(signed.learners) with root \(signed.root.hex): the centre signed a map its records do not give")
        }
        if let kept = kept[size]?.learners, map != kept {
            throw Breach(.consistency, sequence: size, detail:
                "the records up to \(size) link \(map.learners) learners, with map root \(map.root.hex), but the checkpoint kept from before says \(kept.learners) with root \(kept.root.hex)")
        }
    }

    /// The record and its event, decoded once, its sealed fields opened when its learner's
    /// key is `disclosed`, else left closed. - Throws: `Breach` of kind `decode`.
    static func decode(_ bytes: UnsafeRawBufferPointer, sequence: UInt64, disclosed: DisclosedKeys = DisclosedKeys()) throws -> DecodedEvent {
        let record: Record
        do {
            record = try Record(serializedBytes: Array(bytes))
        } catch {
            throw Breach(.decode, sequence: sequence, detail: "the record does not decode as an attest.v1.Record: \(error)")
        }
        let payload: Data
        do {
            payload = try record.openedPayload(by: disclosed.open)
        } catch {
            throw Breach(.decode, sequence: sequence, eventID: record.eventIDText, learner: record.learner, detail:
                "a sealed field of the \(record.eventType) event does not open with the key disclosed for learner \(record.learner) (\(error)): the record or the disclosed key was altered")
        }
        do {
            // Sealed personal fields stay closed but for the learners whose keys are disclosed.
            return DecodedEvent(record: record, event: try DomainEvent(record: record, payload: payload), closed: !record.sealed.isEmpty && disclosed.keys[record.learner] == nil)
        } catch {
            throw Breach(.decode, sequence: sequence, eventID: record.eventIDText, detail:
                "the \(record.eventType) event (schema version \(record.schemaVersion)) does not decode: \(error)")
        }
    }

    /// The checks at the end of the records: every signed record was there, and the log
    /// reached the earlier checkpoint. - Throws: `Breach`.
    mutating func finish() throws {
        let size = chain.records
        if size == 0 { try checkLearnerMaps(at: 0) }
        if size < checkpoint.size {
            throw Breach(.integrity, sequence: size + 1, detail:
                "the records end after sequence \(size) but the signed checkpoint covers \(checkpoint.size): records were removed")
        }
        if let since = kept.keys.filter({ !extended.contains($0) }).min() {
            throw Breach(.consistency, sequence: size + 1, detail: since == 0
                ? "the checkpoint kept from before covers no records but its root is not the empty tree's"
                : "the log holds \(size) records but the checkpoint kept from before covers \(since): records were removed since then")
        }
    }
}
