import Foundation
import Merkle

/// What an export bundle holds: a directory of plain files (docs/format.md, *Export bundles*).
public enum BundleFile {
    /// `bundle.json`: the manifest.
    public static let manifest = "bundle.json"
    /// `records`: each record as stored, as BE32 length ‖ record bytes, in log order.
    public static let records = "records"
    /// `checkpoint`: the centre's latest signed checkpoint, a signed note.
    public static let checkpoint = "checkpoint"
    /// `key`: the centre's verifier key, one line.
    public static let key = "key"
    /// `reports` (whole-store bundles): `PROJECTION SHA256-HEX KEY` for every stored report entry.
    public static let reports = "reports"
    /// `proofs` (one-learner bundles): `SEQUENCE HASH-HEX…`, each record's inclusion proof.
    public static let proofs = "proofs"
    /// `completeness` (one-learner bundles): `INDEX LATEST RECORDS HASH-HEX…`, the learner's
    /// entry in the checkpoint's map of learners and its inclusion proof.
    public static let completeness = "completeness"
    /// `consistency` (one-learner bundles): `SIZE HASH-HEX…`, the consistency proof from each
    /// earlier checkpoint the centre keeps to the bundle's.
    public static let consistency = "consistency"
    /// `disclosed` (when the export disclosed learners' data keys): `to RECIPIENT`, then
    /// `LEARNER ENCAPSULATED SEALED` per learner (`BundleDisclosure`).
    public static let disclosed = "disclosed"
}

/// The manifest of a bundle, `bundle.json`.
public struct BundleManifest: Codable, Equatable, Sendable {
    /// The bundle format this code writes and reads.
    public static let currentFormat = "attest-bundle/1"

    public enum Kind: String, Codable, Sendable {
        /// Every record of the log up to the checkpoint, with report digests.
        case store
        /// One learner's records, each with an inclusion proof against the checkpoint.
        case learner
    }

    public var format = BundleManifest.currentFormat
    public var kind: Kind
    /// The learner of a one-learner bundle.
    public var learner: String?
    /// The number of records in `records`.
    public var records: UInt64
    /// The size of the log the checkpoint covers.
    public var treeSize: UInt64
    /// The centre's time zone, an IANA identifier; absent in bundles written before
    /// bundles carried it, which are read as `EventLog.defaultTimeZone`.
    public var timeZone: String?
}

/// A bundle that cannot be written or read: which file, and what is wrong.
public struct BundleError: Error, Equatable, CustomStringConvertible {
    /// The bundle's file concerned, e.g. `checkpoint`, when there is one.
    public let file: String?
    /// True when a file could not be read on this machine (permissions, I/O), rather than
    /// holding what the format does not allow.
    public let unreadable: Bool
    /// What is wrong.
    public let reason: String

    public init(_ reason: String) {
        file = nil
        unreadable = false
        self.reason = reason
    }

    /// The bundle's file `file` holds what the format does not allow.
    public init(file: String, _ reason: String) {
        self.file = file
        unreadable = false
        self.reason = reason
    }

    /// The bundle's file `file` cannot be read here.
    init(unreadable file: String, _ reason: String) {
        self.file = file
        unreadable = true
        self.reason = "cannot be read: " + reason
    }

    public var description: String { file.map { "\($0): \(reason)" } ?? reason }
}

/// The digest of a stored report entry, as the `reports` file lists it.
public struct ReportDigest: Equatable, Sendable {
    /// The projection, e.g. `transcripts`.
    public let projection: String
    /// The entry's key, e.g. `learner/L000001`.
    public let key: String
    /// SHA-256 of the entry's stored bytes.
    public let digest: [UInt8]

    public init(projection: String, key: String, value: [UInt8]) {
        self.init(projection: projection, key: key, digest: value.withUnsafeBytes { TreeHash.sha256($0).bytes })
    }

    init(projection: String, key: String, digest: [UInt8]) {
        self.projection = projection
        self.key = key
        self.digest = digest
    }

    /// The `reports` line, without its newline.
    public var line: String { "\(projection) \(digest.hex) \(key)" }

    /// Reads a `reports` line.
    public init(line: some StringProtocol) throws {
        // Split at the first two spaces by their bytes: splitting the line's characters was
        // most of the time a replay took to read a bundle's digests.
        let bytes = line.utf8
        guard let first = bytes.firstIndex(of: 0x20), let second = bytes[bytes.index(after: first)...].firstIndex(of: 0x20),
              let hash = Hash(hex: line[bytes.index(after: first)..<second])
        else {
            throw BundleError("a reports line is 'PROJECTION SHA256 KEY'; found \(String(line).debugDescription)")
        }
        self.init(projection: String(line[..<first]), key: String(line[bytes.index(after: second)...]), digest: hash.bytes)
    }
}
