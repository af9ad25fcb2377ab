import Bundles
import Merkle
import Testing

/// A `reports` line of a bundle: written by an export, read back by a replay.
struct ReportDigestTests {
    @Test(arguments: ["learner/L000001", "assessor/assessor 1 (cover)", "a key with  two spaces", "clé/é"])
    func aLineReadsBackAsWritten(key: String) throws {
        let digest = ReportDigest(projection: "transcripts", key: key, value: Array("the entry's bytes".utf8))
        #expect(digest.line.split(separator: " ", maxSplits: 2).map(String.init) == ["transcripts", digest.digest.hex, key])
        #expect(try ReportDigest(line: digest.line) == digest)
    }

    @Test(arguments: [
        "transcripts",
        "transcripts learner/L000001",
        "transcripts \(String(repeating: "0", count: 64))",
        "transcripts \(String(repeating: "0", count: 63)) learner/L000001",
        "transcripts \(String(repeating: "0", count: 65)) learner/L000001",
        "transcripts \(String(repeating: "g", count: 64)) learner/L000001",
        "transcripts  \(String(repeating: "0", count: 64)) learner/L000001",
    ])
    func aLineNotProjectionDigestAndKeyIsRefused(line: String) {
        #expect(throws: BundleError.self) { try ReportDigest(line: line) }
    }
}
