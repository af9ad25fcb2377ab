import Assessment
import Centre
import Checkpoints
import EventLog
import Foundation
import Merkle

/// Checks records one at a time as they stream in: the chain, the Merkle root at the signed
/// checkpoint's size and at the size of an earlier checkpoint, and decoding.
struct RecordChecker {
    private(set) var chain = ChainVerifier()
    let checkpoint: Checkpoint
    let since: Checkpoint?
    /// Whether the log was shown to extend `since`.
    private(set) var extendsSince = false
    /// The learners' links, followed when the signed checkpoint commits to them.
    private(set) var links: LearnerLinkCheck?

    init(checkpoint: Checkpoint, since: Checkpoint?) {
        self.checkpoint = checkpoint
        self.since = since
        if let since, since.size == 0 { extendsSince = since.root == TreeHash.emptyRoot }
        links = checkpoint.learners.map { LearnerLinkCheck(from: $0.from) }
    }

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
        if let since, size == since.size {
            guard chain.edge.root == since.root else {
                throw Breach(.consistency, sequence: size, detail:
                    "the first \(size) records have Merkle root \(chain.edge.root.hex), not the root \(since.root.hex) of the checkpoint kept from before: the history up to sequence \(size) was rewritten since then")
            }
            extendsSince = true
        }
        let decoded = try Self.decode(bytes, sequence: size)
        if links != nil {
            try links!.check(decoded.record)
            try checkLearnerMaps(at: size)
        }
        return decoded
    }

    /// At the size of the signed checkpoint, and of the one kept from before, the map of
    /// the learners' links must be the one the checkpoint commits to. - Throws: `Breach`.
    private func checkLearnerMaps(at size: UInt64) throws {
        guard let links else { return }
        if size == checkpoint.size, let signed = checkpoint.learners, links.map != signed {
            throw Breach(.integrity, sequence: size, detail:
                "the records link \(links.map.learners) learners to their records, with map root \(links.map.root.hex), but the signed checkpoint's learners line says \(signed.learners) with root \(signed.root.hex): the centre signed a map its records do not give")
        }
        if let since, size == since.size, let kept = since.learners, links.map != kept {
            throw Breach(.consistency, sequence: size, detail:
                "the records up to \(size) link \(links.map.learners) learners, with map root \(links.map.root.hex), but the checkpoint kept from before says \(kept.learners) with root \(kept.root.hex)")
        }
    }

    /// The record and its event, decoded once. - Throws: `Breach` of kind `decode`.
    static func decode(_ bytes: UnsafeRawBufferPointer, sequence: UInt64) throws -> DecodedEvent {
        let record: Record
        do {
            record = try Record(serializedBytes: Array(bytes))
        } catch {
            throw Breach(.decode, sequence: sequence, detail: "the record does not decode as an attest.v1.Record: \(error)")
        }
        do {
            return DecodedEvent(record: record, event: try DomainEvent(record: record))
        } catch {
            throw Breach(.decode, sequence: sequence, eventID: record.eventIDText, detail:
                "the \(record.eventType) event (schema version \(record.schemaVersion)) does not decode: \(error)")
        }
    }

    /// The checks at the end of the records: every signed record was there, and the log
    /// reached the earlier checkpoint. - Throws: `Breach`.
    func finish() throws {
        let size = chain.records
        if size == 0 { try checkLearnerMaps(at: 0) }
        if size < checkpoint.size {
            throw Breach(.integrity, sequence: size + 1, detail:
                "the records end after sequence \(size) but the signed checkpoint covers \(checkpoint.size): records were removed")
        }
        if let since, !extendsSince {
            throw Breach(.consistency, sequence: size + 1, detail:
                "the log holds \(size) records but the checkpoint kept from before covers \(since.size): records were removed since then")
        }
    }
}
