import Assessment
import Bundles
import Centre
import Checkpoints
import EventLog
import Foundation
import LMDB
import Merkle
import Privacy
import Projections

/// How to replay.
public struct ReplayOptions {
    /// The centre's public key as the EQA holds it; without it the signature is checked only
    /// against the key the store or bundle carries.
    public var key: VerifierKey?
    /// Checkpoints kept from earlier visits (by this EQA, or others who compare notes): the
    /// log must extend each, and two of one size with different roots are a split view.
    public var kept: [SignedCheckpoint] = []
    /// Replay the rules and projections only up to this point, on the centre's calendar
    /// (integrity is still checked to the end).
    public var asOf: AsOf?
    /// Called now and then with (records checked, records in all).
    public var progress: ((UInt64, UInt64) -> Void)?
    /// The reports to rebuild and compare.
    public var projections: [any Projection] = CentreStore.reports
    /// The EQA's own signing key: a verified checkpoint is returned with their signature
    /// line added (`ReplayReport.cosigned`), a witness that they saw this history.
    public var cosigner: SigningKey?
    /// The EQA's identity: the sealed fields of the learners whose keys a bundle discloses
    /// to it are opened, and their registrations' age and ULN rules checked again.
    public var identity: EQAIdentity?
    /// Called with each record opened with a disclosed key, as one line of JSON
    /// (`LoggedRecord.domainJSONLine`), in log order.
    public var openedRecords: ((String) throws -> Void)?
    /// Events a batch between the reading thread and the rules thread.
    public var batchSize = 512
    /// Where the replay keeps what the rules and reports remember: scratch files under this
    /// directory (removed afterwards), so the heap does not grow with the log; in memory when `nil`.
    public var scratchDirectory: String? = NSTemporaryDirectory()

    public init() {}
}

/// The external quality assurer's replay: verifies a live store (read-only) or an export bundle.
///
/// ```swift
/// var options = ReplayOptions()
/// options.key = try VerifierKey(text: keyText)
/// let report = try Replayer.verify("centre.store", options: options)
/// if let breach = report.breach { print(breach) }
/// ```
public enum Replayer {
    /// Verifies the store or bundle in directory `path`.
    /// - Returns: the report, with the first breach found (if any).
    /// - Throws: `ReplayInputError` when `path` cannot be read as either.
    public static func verify(_ path: String, options: ReplayOptions) throws -> ReplayReport {
        let started = Date()
        var report: ReplayReport
        if BundleReader.isBundle(path) {
            do {
                let bundle = try BundleReader(at: path)
                report = try bundle.manifest.kind == .learner ? verifyLearner(bundle, options) : verifyBundle(bundle, options)
                try cosign(bundle.checkpoint, options, into: &report)
            } catch let error as BundleError {
                if error.unreadable { throw ReplayInputError("\(path): \(error)") }
                report = ReplayReport(source: "bundle")
                report.breach = Breach(error)
            }
        } else if FileManager.default.fileExists(atPath: path + "/data.mdb") {
            // A damaged data file (`StoreDamage`) is thrown: it reads as an I/O error, most
            // often a bad copy, and names what to do.
            report = try verifyStore(path, options)
        } else {
            throw ReplayInputError("\(path) is neither a store (no data.mdb) nor a bundle (no \(BundleFile.manifest))")
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    // MARK: A live store

    static func verifyStore(_ path: String, _ options: ReplayOptions) throws -> ReplayReport {
        let store: CentreStore
        let checkpoints: CheckpointLog
        do {
            store = try CentreStore(readingAt: path, projections: options.projections)
            checkpoints = try CheckpointLog(log: store.log)
        } catch let damage as StoreDamage {
            throw damage
        } catch {
            throw ReplayInputError("cannot open the store \(path) read-only: \(error)")
        }
        var report = ReplayReport(source: "store")
        let start: Head, latest: SignedCheckpoint?
        do {
            (start, latest) = try store.read { txn, _ in (try store.log.head(in: txn), try checkpoints.latest(in: txn)) }
        } catch let error as CheckpointError {
            report.breach = Breach(.malformed, detail: "the store's latest checkpoint is not a signed checkpoint: \(error)")
            return report
        }
        guard let signed = latest else {
            report.breach = Breach(.signature, detail: "the store holds no signed checkpoint: the centre has never signed its log")
            return report
        }
        let centreKey = {
            do {
                return try SigningKey(contentsOf: SigningKey.path(inStore: path)).verifierKey
            } catch {
                throw ReplayInputError("no key was given and the centre's key cannot be read (\(error)): give the centre's public key")
            }
        }
        guard try checkSignatures(signed, options, centreKey: centreKey, into: &report) else { return report }
        guard checkLearnerMaps(signed.checkpoint, options, into: &report) else { return report }
        var checker = try RecordChecker(checkpoint: signed.checkpoint, kept: options.kept.map(\.checkpoint), state: scratch(options))
        let pipeline = try makePipeline(options, checkpoint: signed.checkpoint, timeZone: store.timeZone, into: &report)
        var batch: [DecodedEvent] = []
        var head = start
        let check = { (bytes: UnsafeRawBufferPointer, following: () throws -> [UInt8]?) throws -> Bool in
            batch.append(try checker.check(bytes, following: following, endHash: head.chainHash))
            return flush(&batch, pipeline, options, checked: checker.chain.records, total: head.sequence)
        }
        var integrity: Breach?
        // The log is read in short read transactions, so that appends going on meanwhile do
        // not make the store grow; then what was appended meanwhile, a few times over; then
        // the rest in the snapshot whose stored reports are compared, which therefore holds
        // exactly the records replayed.
        do {
            try store.log.readStored(through: head.sequence, check)
            for _ in 0..<3 where !pipeline.stoppedWithBreach {
                let now = try store.log.head()
                guard now.sequence > head.sequence else { break }
                head = now
                try store.log.readStored(from: checker.chain.records + 1, through: head.sequence, check)
            }
        } catch let breach as Breach {
            integrity = breach
        }
        try store.read { txn, stored in
            if integrity == nil {
                do {
                    head = try store.log.head(in: txn)
                    if !pipeline.stoppedWithBreach { try store.log.readStored(from: checker.chain.records + 1, in: txn, check) }
                    _ = flush(&batch, pipeline, options, checked: checker.chain.records, total: head.sequence, force: true)
                    if !pipeline.stoppedWithBreach {
                        try checker.finish()
                        try checkHead(head, checker.chain)
                    }
                } catch let breach as Breach {
                    integrity = breach
                }
            }
            // The rules still check what was read before an integrity breach: a rule broken earlier in the log comes first.
            if integrity != nil { _ = flush(&batch, pipeline, options, checked: checker.chain.records, total: head.sequence, force: true) }
            pipeline.close()
            report.records = checker.chain.records
            finish(&report, checker: checker, pipeline: pipeline, integrity: integrity, options: options)
            guard report.breach == nil, options.asOf == nil else { return }
            do {
                let rebuilt = pipeline.replay.snapshot
                for projection in options.projections {
                    try count(learners: rebuilt, of: projection, into: &report)
                    do {
                        // Entry by entry, side by side: neither report is held whole.
                        try stored.walkReport(of: projection.name) { kept in
                            try rebuilt.walkReport(of: projection.name) { replayed in
                                report.reportsCompared += try ReportComparison.compare(projection: projection.name, stored: kept, rebuilt: replayed)
                            }
                        }
                    } catch let stale as StaleProjection {
                        report.notChecked.append("the \(projection.name) report: \(stale)")
                    }
                }
            } catch let breach as Breach {
                report.breach = breach
            }
        }
        try cosign(signed, options, into: &report)
        return report
    }

    /// The store's own head must agree with what was read (the log's records beyond a checkpoint are unsigned).
    private static func checkHead(_ head: Head, _ chain: ChainVerifier) throws {
        guard chain.records == head.sequence else {
            throw Breach(.integrity, sequence: min(chain.records, head.sequence) + 1, detail:
                "the head says the log holds \(head.sequence) records but \(chain.records) are stored")
        }
        guard chain.chainHash == head.chainHash, chain.edge.root == head.merkleRoot else {
            throw Breach(.integrity, sequence: chain.records, detail:
                "the last record's chain hash or the Merkle root differs from the head stored in meta")
        }
    }

    // MARK: A whole-store bundle

    static func verifyBundle(_ bundle: BundleReader, _ options: ReplayOptions) throws -> ReplayReport {
        var report = ReplayReport(source: "bundle")
        guard try checkSignatures(bundle.checkpoint, options, bundleKey: bundle.key, into: &report),
              checkManifest(bundle, records: bundle.checkpoint.checkpoint.size, into: &report)
        else { return report }
        let checkpoint = bundle.checkpoint.checkpoint
        guard checkLearnerMaps(checkpoint, options, into: &report) else { return report }
        let disclosed: DisclosedKeys
        do { disclosed = try DisclosedKeys(bundle, options, into: &report) } catch let breach as Breach {
            report.breach = breach
            return report
        }
        var checker = try RecordChecker(checkpoint: checkpoint, kept: options.kept.map(\.checkpoint), disclosed: disclosed, state: scratch(options))
        let pipeline = try makePipeline(options, checkpoint: checkpoint, timeZone: bundle.timeZone, into: &report)
        var batch: [DecodedEvent] = []
        var integrity: Breach?
        do {
            let records = try bundle.records()
            var next = try readRecord(records)
            while let bytes = next {
                next = nil
                if checker.chain.records == checkpoint.size {
                    throw Breach(.integrity, sequence: checker.chain.records + 1, file: BundleFile.records, detail:
                        "the bundle holds records beyond the \(checkpoint.size) its signed checkpoint covers")
                }
                // A peek happens only on a broken link, which ends the replay.
                let decoded = try bytes.withUnsafeBytes { bytes in try checker.check(bytes, following: { try readRecord(records) }) }
                batch.append(decoded)
                guard flush(&batch, pipeline, options, checked: checker.chain.records, total: checkpoint.size) else { break }
                next = try readRecord(records)
            }
            _ = flush(&batch, pipeline, options, checked: checker.chain.records, total: checkpoint.size, force: true)
            if !pipeline.stoppedWithBreach { try checker.finish() }
        } catch let breach as Breach {
            integrity = breach
        } catch let error as BundleError {
            integrity = try breach(error, in: bundle)
        }
        // The rules still check what was read before an integrity breach: a rule broken earlier in the log comes first.
        if integrity != nil { _ = flush(&batch, pipeline, options, checked: checker.chain.records, total: checkpoint.size, force: true) }
        pipeline.close()
        report.records = checker.chain.records
        finish(&report, checker: checker, pipeline: pipeline, integrity: integrity, options: options)
        guard report.breach == nil, options.asOf == nil else { return report }
        do {
            let digests = try ReportDigests(bundle.reportDigests())
            let rebuilt = pipeline.replay.snapshot
            for projection in options.projections {
                try count(learners: rebuilt, of: projection, into: &report)
                try rebuilt.walkReport(of: projection.name) { replayed in
                    report.reportsCompared += try ReportComparison.compare(
                        projection: projection.name, digests: { try digests.next(of: projection.name) }, rebuilt: replayed)
                }
            }
            if let unknown = try digests.next() {
                throw Breach(.report, report: "\(unknown.projection) \(unknown.key)", file: BundleFile.reports, detail: options.projections.contains { $0.name == unknown.projection }
                    ? "the bundle lists this entry out of order (entries are by report, then by key)"
                    : "the bundle lists a report this tool does not rebuild")
            }
        } catch let breach as Breach {
            report.breach = breach
        } catch let error as BundleError {
            report.breach = try breach(error, in: bundle)
        }
        return report
    }

    /// The manifest must agree with the signed checkpoint, and give the bundle's records. - Returns: false when a breach was recorded.
    private static func checkManifest(_ bundle: BundleReader, records: UInt64?, into report: inout ReplayReport) -> Bool {
        let manifest = bundle.manifest, size = bundle.checkpoint.checkpoint.size
        if manifest.treeSize != size {
            report.breach = Breach(.malformed, file: BundleFile.manifest, detail:
                "treeSize is \(manifest.treeSize) but the signed checkpoint covers \(size) records")
        } else if let records, manifest.records != records {
            report.breach = Breach(.malformed, file: BundleFile.manifest, detail:
                "records is \(manifest.records) but a whole-store bundle holds the \(records) records its checkpoint covers")
        }
        return report.breach == nil
    }

    /// The breach a bundle's malformed file is, or, when the file cannot be read here, the EQA's own error.
    private static func breach(_ error: BundleError, in bundle: BundleReader) throws -> Breach {
        if error.unreadable { throw ReplayInputError("\(bundle.directory): \(error)") }
        return Breach(error)
    }

    /// The next record of a bundle; a file that ends inside a record is a breach.
    private static func readRecord(_ records: RecordFile) throws -> [UInt8]? {
        do { return try records.next() } catch let error as BundleError where !error.unreadable {
            throw Breach(.integrity, sequence: records.count + 1, file: BundleFile.records, detail: error.reason)
        }
    }

    // MARK: A one-learner bundle

    static func verifyLearner(_ bundle: BundleReader, _ options: ReplayOptions) throws -> ReplayReport {
        var report = ReplayReport(source: "learner bundle")
        report.notChecked = [
            "the centre's rules and reports: a one-learner bundle holds that learner's records only (replay a whole-store bundle for them)",
            "the chain: the records are not consecutive, so each is proven by its inclusion proof instead",
        ]
        guard try checkSignatures(bundle.checkpoint, options, bundleKey: bundle.key, into: &report),
              checkManifest(bundle, records: nil, into: &report),
              checkLearnerMaps(bundle.checkpoint.checkpoint, options, into: &report)
        else { return report }
        let checkpoint = bundle.checkpoint.checkpoint
        let learner = bundle.manifest.learner ?? ""
        do {
            let disclosed = try DisclosedKeys(bundle, options, into: &report)
            let extensions = try consistencyProofs(in: bundle, from: Set(options.kept.map(\.checkpoint.size)))
            for kept in options.kept { try checkConsistency(of: bundle, since: kept.checkpoint, proof: extensions[kept.checkpoint.size]) }
            report.extends = options.kept.map(\.checkpoint.size).max()
            var links = checkpoint.learners.map { LearnerBundleLinks(learner: learner, from: $0.from) }
            var attribution = LearnerAttribution()
            var previous: UInt64 = 0
            let proofs = try bundle.inclusionProofs()
            let records = try bundle.records()
            while let bytes = try readRecord(records) {
                guard let proof = try proofs.next() else {
                    throw Breach(.malformed, sequence: previous + 1, file: BundleFile.proofs, detail:
                        "the bundle holds more records than inclusion proofs (\(proofs.number))")
                }
                let sequence = proof.numbers[0]
                guard sequence >= 1, sequence <= checkpoint.size else {
                    throw Breach(.integrity, sequence: sequence, file: BundleFile.proofs, detail:
                        "line \(proofs.number) names sequence \(sequence), outside the 1…\(checkpoint.size) the signed checkpoint covers")
                }
                let decoded = try bytes.withUnsafeBytes { try RecordChecker.decode($0, sequence: sequence, disclosed: disclosed) }
                guard decoded.record.sequence == sequence, sequence > previous else {
                    throw Breach(.integrity, sequence: sequence, eventID: decoded.record.eventIDText, detail:
                        "the record says sequence \(decoded.record.sequence) where the bundle lists \(sequence) after \(previous): records were moved or repeated")
                }
                previous = sequence
                do {
                    try Proof.verifyInclusion(leafHash: TreeHash.leaf(bytes), leafIndex: sequence - 1, treeSize: checkpoint.size, proof: proof.path, root: checkpoint.root)
                } catch let error as ProofError {
                    throw Breach(.integrity, sequence: sequence, eventID: decoded.record.eventIDText, learner: learner, detail:
                        "the record is not in the log the checkpoint signs: its inclusion proof fails (\(error))")
                }
                try links?.follow(decoded.record)
                let owner = attribution.learner(of: decoded.event)
                guard owner == learner else {
                    throw Breach(.integrity, sequence: sequence, eventID: decoded.record.eventIDText, learner: owner, detail:
                        "the record is not of learner \(learner), whose bundle this is")
                }
                if try bytes.withUnsafeBytes({ try disclosed.note(decoded, bytes: $0) }) { report.opened += 1 }
                report.records += 1
                options.progress?(report.records, bundle.manifest.records)
            }
            if try proofs.next() != nil {
                throw Breach(.malformed, file: BundleFile.proofs, detail:
                    "the bundle holds \(report.records) records but more inclusion proofs (line \(proofs.number) has no record)")
            }
            guard report.records == bundle.manifest.records else {
                throw Breach(.integrity, sequence: previous + 1, file: BundleFile.records, detail:
                    "the bundle holds \(report.records) records but its manifest says \(bundle.manifest.records): records were removed or added")
            }
            if let links, let map = checkpoint.learners, let note = try links.checkComplete(bundle, map: map) {
                report.notChecked.append(note)
                report.learnersFrom = nil
            }
        } catch let breach as Breach {
            report.breach = breach
        } catch let error as BundleError {
            report.breach = try breach(error, in: bundle)
        }
        return report
    }

    /// Reads the `consistency` file through, when the bundle has one, in bounded memory: its
    /// lines must be proofs from sizes 1 to `treeSize` − 1, in increasing order. - Returns: the proofs from the
    /// sizes of the checkpoints kept. - Throws: `Breach`, `BundleError`.
    private static func consistencyProofs(in bundle: BundleReader, from sizes: Set<UInt64>) throws -> [UInt64: [Hash]] {
        // Bundles written before they carried the file have none: then no kept checkpoint can be shown extended.
        guard bundle.holds(BundleFile.consistency) else { return [:] }
        let lines = try bundle.consistencyProofs()
        var previous: UInt64 = 0
        var proofs: [UInt64: [Hash]] = [:]
        while let line = try lines.next() {
            let size = line.numbers[0]
            guard size > previous, size < bundle.checkpoint.checkpoint.size else {
                throw Breach(.malformed, file: BundleFile.consistency, detail:
                    "line \(lines.number) is a proof from size \(size); the sizes go up, from 1 to \(bundle.checkpoint.checkpoint.size) − 1")
            }
            previous = size
            if sizes.contains(size) { proofs[size] = line.path }
        }
        return proofs
    }

    /// The bundle's checkpoint must extend `since`, the one the EQA kept: by `proof`, the
    /// consistency proof the bundle carries from its size. - Throws: `Breach`.
    private static func checkConsistency(of bundle: BundleReader, since: Checkpoint, proof: [Hash]?) throws {
        let checkpoint = bundle.checkpoint.checkpoint
        let size = since.size
        guard size <= checkpoint.size else {
            throw Breach(.consistency, detail:
                "the bundle's checkpoint covers \(checkpoint.size) records, fewer than the \(size) of the checkpoint kept from before")
        }
        if size == 0, since.root != TreeHash.emptyRoot {
            throw Breach(.consistency, detail: "the checkpoint kept from before covers no records but its root is not the empty tree's")
        }
        if size > 0, size < checkpoint.size, proof == nil {
            throw Breach(.consistency, file: BundleFile.consistency, detail:
                "the bundle holds no proof that the log extends the checkpoint of \(size) records kept from before, which the centre signed")
        }
        do {
            try Proof.verifyConsistency(oldSize: size, newSize: checkpoint.size, oldRoot: since.root, newRoot: checkpoint.root, proof: proof ?? [])
        } catch let error as ProofError {
            throw Breach(.consistency, sequence: size, detail:
                "the log the bundle's checkpoint signs does not extend the checkpoint of \(size) records kept from before (\(error)): the history up to sequence \(size) was rewritten, or the centre shows different histories")
        }
    }

    // MARK: Shared steps

    /// The replay of the history of a centre in `timeZone`, up to `options.asOf` on its
    /// calendar, which `report` names; from where `checkpoint` says, each record must name
    /// the learner its event concerns.
    private static func makePipeline(
        _ options: ReplayOptions, checkpoint: Checkpoint, timeZone: TimeZone, into report: inout ReplayReport
    ) throws -> ReplayPipeline {
        let point = options.asOf?.resolved(in: timeZone)
        report.asOfPoint = point
        let replay = try CentreReplay(projections: options.projections, timeZone: timeZone) { try scratch(options) }
        replay.learnersFrom = checkpoint.learners?.from
        return ReplayPipeline(replay: replay, asOf: point)
    }

    /// A new, empty state for what the replay remembers: scratch files under
    /// `options.scratchDirectory`, or memory.
    private static func scratch(_ options: ReplayOptions) throws -> any ReplayState {
        if let directory = options.scratchDirectory { try ScratchState(under: directory) } else { MemoryEntityStore() }
    }

    /// Notes from which sequence the signed checkpoint proves each learner's records
    /// complete, or that it does not; a kept checkpoint that committed to them while the
    /// latest does not is a breach. - Returns: false when a breach was recorded.
    private static func checkLearnerMaps(_ checkpoint: Checkpoint, _ options: ReplayOptions, into report: inout ReplayReport) -> Bool {
        report.learnersFrom = checkpoint.learners?.from
        if checkpoint.learners == nil {
            if options.kept.contains(where: { $0.checkpoint.learners != nil }) {
                report.breach = Breach(.consistency, detail:
                    "the checkpoint kept from before commits to each learner's records (a learners line) but the latest does not")
                return false
            }
            report.notChecked.append(
                "each learner's records complete: the signed checkpoint has no learners line (it was taken before the store linked records to their learners)")
        }
        return true
    }

    /// Checks the checkpoint's signature (and that of the one kept from before) with the key
    /// supplied, or else the centre's own, and reports a bundle key that differs from the one
    /// supplied. - Returns: false when a breach was recorded.
    private static func checkSignatures(
        _ signed: SignedCheckpoint, _ options: ReplayOptions, bundleKey: VerifierKey, into report: inout ReplayReport
    ) throws -> Bool {
        if let supplied = options.key, supplied != bundleKey {
            report.warnings.append(
                "the bundle's key file holds \(bundleKey), not the key supplied (\(supplied)); the signature was checked with the key supplied")
        }
        return try checkSignatures(signed, options, centreKey: { bundleKey }, into: &report)
    }

    /// Checks the checkpoint's signature (and that of the one kept from before) with the key
    /// supplied, or else the centre's own. - Returns: false when a breach was recorded.
    private static func checkSignatures(
        _ signed: SignedCheckpoint, _ options: ReplayOptions, centreKey: () throws -> VerifierKey, into report: inout ReplayReport
    ) throws -> Bool {
        report.checkpoint = CheckpointSummary(signed.checkpoint)
        let key = try options.key ?? centreKey()
        report.key = options.key == nil ? "centre" : "supplied"
        do {
            try signed.verify(with: key)
        } catch let error as CheckpointError {
            report.breach = Breach(.signature, detail: "the latest checkpoint: \(error)")
            return false
        }
        for kept in options.kept {
            do {
                try kept.verify(with: key)
            } catch let error as CheckpointError {
                report.breach = Breach(.signature, detail: "the checkpoint of \(kept.checkpoint.size) records kept from before: \(error)")
                return false
            }
        }
        // Two checkpoints of one size that the centre signed with different roots: it showed different histories.
        for (index, first) in options.kept.enumerated() {
            if let other = options.kept[(index + 1)...].first(where: { $0.checkpoint.size == first.checkpoint.size && $0.checkpoint.root != first.checkpoint.root }) {
                report.breach = Breach(.consistency, sequence: first.checkpoint.size, detail:
                    "split view: two checkpoints kept from before, both signed by the centre, give records 1…\(first.checkpoint.size) the roots \(first.checkpoint.root.hex) and \(other.checkpoint.root.hex): the centre showed different histories")
                return false
            }
        }
        return true
    }

    /// Adds the EQA's signature line to the checkpoint verified, when they asked to cosign
    /// it and nothing was found wrong.
    private static func cosign(_ signed: SignedCheckpoint, _ options: ReplayOptions, into report: inout ReplayReport) throws {
        guard let cosigner = options.cosigner, report.breach == nil else { return }
        report.cosigned = try signed.cosigned(by: cosigner).encoded
    }

    /// Hands full batches to the rules and reports progress; false when reading can stop
    /// early (the rules found a breach, which comes before anything read later).
    private static func flush(
        _ batch: inout [DecodedEvent], _ pipeline: ReplayPipeline, _ options: ReplayOptions,
        checked: UInt64, total: UInt64, force: Bool = false
    ) -> Bool {
        guard force || batch.count >= options.batchSize else { return true }
        if !batch.isEmpty, !pipeline.hasStopped { pipeline.submit(batch) }
        batch.removeAll(keepingCapacity: true)
        options.progress?(checked, max(total, checked))
        return !pipeline.stoppedWithBreach
    }

    /// Counts the learners with a transcript among a projection's rebuilt entries.
    /// Counts the learners' records the replay rebuilt, when `projection` is the transcripts.
    private static func count(learners snapshot: ProjectionSnapshot, of projection: any Projection, into report: inout ReplayReport) throws {
        guard projection.name == TranscriptProjection().name else { return }
        var learners = 0
        try snapshot.walk(of: projection.name, prefix: TranscriptKeys.records.prefix) { next in
            while try next() != nil { learners += 1 }
        }
        report.learners = learners
    }

    /// Settles the report: the first breach in log order, the replay's figures.
    private static func finish(
        _ report: inout ReplayReport, checker: RecordChecker, pipeline: ReplayPipeline, integrity: Breach?, options: ReplayOptions
    ) {
        report.replayed = pipeline.replay.applied
        report.sealed = pipeline.replay.sealed
        report.sealedRegistrations = pipeline.replay.sealedRegistrations
        report.opened = checker.opened
        (report.erasedLearners, report.sealedOfErased) = pipeline.replay.erasure
        if options.asOf != nil { report.asOf = pipeline.lastReplayed }
        if checker.extendsKept { report.extends = options.kept.map(\.checkpoint.size).max() }
        if options.asOf != nil, let transcripts = options.projections.first(where: { $0.name == TranscriptProjection().name }) {
            try? count(learners: pipeline.replay.snapshot, of: transcripts, into: &report)
        }
        switch (integrity, pipeline.failure.map(Breach.init(failure:))) {
        case let (found?, rule?):
            report.breach = (rule.sequence ?? .max) < (found.sequence ?? .max) ? rule : found
        case let (found, rule):
            report.breach = found ?? rule
        }
    }
}
