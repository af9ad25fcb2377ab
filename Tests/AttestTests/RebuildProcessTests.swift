import AttestTesting
import Foundation
import Testing

/// Rebuilds as other processes see them: killed half-way, or read during.
@Suite(.serialized) struct RebuildProcessTests {
    let attest = Command("attest")
    let directory = TemporaryDirectory("rebuild")
    var store: String { directory.child("centre.store") }

    func makeCentre(learners: Int) throws -> String {
        try attest.run(["init", store])
        let generated = try attest.run(["generate", "--learners", "\(learners)", "--seed", "5"])
        #expect(try attest.run(["append", store, "-", "--quiet", "--batch-size", "1000"], input: generated.stdout).status == 0)
        return try reports()
    }

    /// The audit and two transcripts, as JSON.
    func reports() throws -> String {
        try [["audit", store], ["transcript", store, "L000002"], ["transcript", store, "L000050"]].map { arguments in
            let result = try attest.run(arguments + ["--json"])
            return result.stdout + result.stderr
        }.joined()
    }

    @Test func aKilledRebuildLeavesThePreviousReportsServed() throws {
        let before = try makeCentre(learners: 60)
        for delay in [200_000, 600_000, 1_200_000] as [UInt32] {
            let rebuild = try attest.start(["rebuild", store]) { _ in }
            usleep(delay)
            rebuild.kill()
            rebuild.wait()
            #expect(try reports() == before, "after a kill at \(delay / 1000) ms")
        }
        #expect(try attest.run(["rebuild", store]).status == 0)
        #expect(try reports() == before)
        #expect(try attest.run(["verify", store]).status == 0)
    }

    @Test func aReaderDuringARebuildSeesOnlyWholeReports() throws {
        let before = try makeCentre(learners: 60)
        let rebuild = try attest.start(["rebuild", store]) { _ in }
        var reads = 0
        let deadline = Date() + 120
        while rebuild.isAlive && Date() < deadline {
            #expect(try reports() == before)
            reads += 1
        }
        #expect(rebuild.wait() == 0)
        #expect(reads >= 1)
        #expect(try reports() == before)
    }
}
