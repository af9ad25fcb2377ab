import AttestTesting
import Foundation
import Testing

/// The fuzz corpus under Tools/Fuzz/corpus runs through the harnesses of `attest-fuzz`:
/// its seeds are accepted, and no input (reproducers of past findings included) breaks a property.
@Suite struct FuzzCorpusTests {
    let fuzz = Command("attest-fuzz")
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tools/Fuzz/corpus")

    @Test(arguments: ["event-line", "append", "specification", "checkpoint", "bundle"])
    func everyInputKeepsEveryProperty(harness: String) throws {
        let directory = Self.corpus.appendingPathComponent(harness)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        let run = try fuzz.run([harness, directory.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasPrefix("\(harness): \(files.count) inputs,"), "\(run.stdout)")
        #expect(run.stdout.hasSuffix(" 0 findings\n"), "\(run.stdout)")
    }

    @Test(arguments: ["event-line", "append", "specification", "checkpoint", "bundle"])
    func theSeedsAreAccepted(harness: String) throws {
        let directory = Self.corpus.appendingPathComponent(harness)
        let seeds = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { !$0.hasPrefix("finding-") }.map { directory.appendingPathComponent($0).path }
        #expect(!seeds.isEmpty)
        let run = try fuzz.run([harness] + seeds)
        #expect(run.stdout == "\(harness): \(seeds.count) inputs, \(seeds.count) accepted, 0 refused, 0 findings\n")
    }

    @Test func anUnknownHarnessIsAUsageError() throws {
        let run = try fuzz.run(["no-such-harness", Self.corpus.path])
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("usage: attest-fuzz event-line|append|specification|checkpoint|bundle ARGUMENTS"))
    }
}
