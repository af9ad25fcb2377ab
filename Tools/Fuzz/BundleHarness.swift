import Assessment
import AttestTesting
import Bundles
import Centre
import Checkpoints
import Crypto
import Foundation
import Privacy
import Projections
import Replay
import Simulation

/// The replay of an export bundle (`Replayer.verify`, as `attest-replay BUNDLE --key KEY`
/// runs it, in memory). At init, the centre of `attest generate --learners 1 --seed 1` is
/// recorded at a fixed time and signed with a fixed key, and exported as a whole-store and
/// a one-learner bundle. An input's first byte chooses a bundle and one of its files
/// (`targets`, modulo their count), the rest replaces that file. The files are all
/// readable, so the replay never throws, not even a `ReplayInputError`: it reports the
/// bundle verified, or a breach that says what is wrong. A verified bundle's file says
/// what the clean one says (`meaning(of:_:)`):
/// - `records` and `proofs`, byte for byte: the checkpoint signs every record's hash, and
///   the tree fixes each inclusion proof;
/// - `checkpoint`, its signed text: signature lines by other keys are ignored;
/// - `reports`, the same digests of the same entries: hexadecimal digits may be in either case;
/// - `bundle.json`, the same manifest but for its time zone, in any JSON spelling: the
///   manifest is not signed, and the history may verify on another calendar;
/// - `key`, the centre's key; another is no breach (the signature is checked with the key
///   supplied) but must be reported as a warning;
/// - `consistency`, well-formed proof lines: a proof serves only an EQA who kept a
///   checkpoint of its size, and this replay keeps none;
/// - `completeness`, byte for byte: it proves the learner's entry in the signed map.
final class BundleHarness: SeedingHarness {
    /// When the centre's events are recorded and its checkpoint signed, after the generated
    /// events: with the fixed key, the bundles are the same on every run, as the seeds are.
    private static let recordedAt = Date(timeIntervalSince1970: 1_740_787_200)  // 2025-03-01T00:00:00Z
    /// The centre's signing key, whose seed is the bytes 0 to 31.
    private static let keyText = "PRIVATE+KEY+centre.example+4b463b8f+AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f"
    /// The generated centre's one learner.
    private static let learner = CentreGenerator.learner(0)

    private let directory = TemporaryDirectory("bundle")
    private let options: ReplayOptions
    /// What an input's first byte chooses: a clean bundle (its files by name) and the file to replace.
    private let targets: [(bundle: String, files: [String: [UInt8]], file: String)]
    /// The bundle each input is written to, afresh.
    private var fuzzed: String { directory.child("fuzzed") }

    init() throws {
        let signing = try SigningKey(text: Self.keyText)
        let key = signing.verifierKey
        let centre = try CentreStore.create(at: directory.child("centre.store"), projections: CentreStore.reports)
        // The learner's data key is fixed too (the bytes 32 to 63), so that their sealed fields are.
        _ = try LearnerKeys(store: centre.log.environment.path).keys(making: [Self.learner]) {
            SymmetricKey(data: Data(32..<64 as Range<UInt8>))
        }
        var lines: [String] = []
        try CentreGenerator(learners: 1, seed: 1, specification: Qualifications.customerServiceLevel2).generate { lines.append($0) }
        try centre.append(lines: lines, batchSize: 1000, now: { Self.recordedAt }) { _, _ in }
        try CheckpointLog(log: centre.log, create: true).record(signedBy: signing, at: Self.recordedAt)
        _ = try centre.exportBundle(to: directory.child("store"), key: key)
        _ = try centre.exportBundle(to: directory.child("learner"), learner: Self.learner, key: key)
        targets = try ["store", "learner"].flatMap { [directory] bundle in
            let files = try Self.files(in: directory.child(bundle))
            return files.keys.sorted().map { (bundle, files, $0) }
        }
        var options = ReplayOptions()
        options.key = key
        options.scratchDirectory = nil
        self.options = options
    }

    func check(_ input: [UInt8]) throws -> Outcome {
        let (_, files, file) = targets[Int(input.first ?? 0) % targets.count]
        let content = Array(input.dropFirst())
        try write(files, replacing: file, with: content)
        let report: ReplayReport
        do {
            report = try Replayer.verify(fuzzed, options: options)
        } catch {
            throw Finding("the replay of a bundle with another \(file) threw \(type(of: error)), not a breach: \(error)")
        }
        if let breach = report.breach {
            guard !breach.detail.isEmpty else { throw Finding("a \(breach.kind.rawValue) breach in \(file) says nothing") }
            return .refused
        }
        guard Self.meaning(of: file, content) == Self.meaning(of: file, files[file]!)
            || file == BundleFile.key && !report.warnings.isEmpty
        else {
            throw Finding("a bundle is verified though its \(file) says otherwise than the clean one's")
        }
        return .accepted
    }

    /// Every file of a clean bundle, after the byte that chooses it.
    var seeds: [(name: String, input: [UInt8])] {
        targets.enumerated().map { selector, target in
            ("\(target.bundle)-\(target.file)", [UInt8(selector)] + target.files[target.file]!)
        }
    }

    /// Writes `files` into the empty directory `fuzzed`, `content` in place of file `name`.
    private func write(_ files: [String: [UInt8]], replacing name: String, with content: [UInt8]) throws {
        try? FileManager.default.removeItem(atPath: fuzzed)
        try FileManager.default.createDirectory(atPath: fuzzed, withIntermediateDirectories: false)
        for (file, bytes) in files {
            try Data(file == name ? content : bytes).write(to: URL(fileURLWithPath: fuzzed + "/" + file))
        }
    }

    /// What file `name` holding `content` says, in one spelling, or `nil` when it does not read.
    private static func meaning(of name: String, _ content: [UInt8]) -> [UInt8]? {
        let text = String(decoding: content, as: UTF8.self)
        switch name {
        case BundleFile.checkpoint:
            return (try? SignedCheckpoint(parsing: text)).map { Array($0.note.text.utf8) }
        case BundleFile.reports:
            let lines = try? text.split(separator: "\n").map { try ReportDigest(line: $0).line + "\n" }
            return lines.map { Array($0.joined().utf8) }
        case BundleFile.manifest:
            guard var manifest = try? JSONDecoder().decode(BundleManifest.self, from: Data(content)) else { return nil }
            manifest.timeZone = nil
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return try? Array(encoder.encode(manifest))
        case BundleFile.key:
            return (try? VerifierKey(text: text)).map { Array($0.description.utf8) }
        case BundleFile.consistency:
            let lines = try? text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { try ProofLine(line: $0, names: ["size"]) }
            return text.isEmpty || text.hasSuffix("\n") && lines != nil ? [] : nil
        default:
            return content
        }
    }

    /// The files in `directory`, by name.
    private static func files(in directory: String) throws -> [String: [UInt8]] {
        try Dictionary(uniqueKeysWithValues: FileManager.default.contentsOfDirectory(atPath: directory).map { name in
            (name, Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))))
        })
    }
}
