import Assessment
import AttestTesting
import Centre
import Foundation
import Simulation
import Testing

/// Lines are parsed while the batch before them is committed; a refusal still names the
/// first line in input order that is wrong, and what came before it stays appended and
/// reported, in order.
@Suite struct BatchedLinesTests {
    /// The first lines of a generated centre, and a piece of evidence it submits later,
    /// which the rules refuse before its learner is registered.
    static func lines() throws -> (valid: [String], early: String) {
        var lines: [String] = []
        try CentreGenerator(learners: 3, seed: 2, specification: Qualifications.customerServiceLevel2).generate { lines.append($0) }
        let early = try #require(lines.first { $0.contains(#""type":"evidence.submitted""#) })
        return (Array(lines.prefix(20)), early)
    }

    /// Appends `input` in batches of four to a new store; what refused it, the lines heard
    /// appended, and the size of the log afterwards.
    static func refusal(of input: [String]) throws -> (refusal: LineRefusal, heard: [Int], logged: UInt64) {
        let centre = try TestCentre()
        var heard: [Int] = []
        let refusal = try #require(throws: LineRefusal.self) {
            try centre.store.append(lines: input, batchSize: 4) { line, _ in heard.append(line) }
        }
        return (refusal, heard, try centre.store.log.head().sequence)
    }

    @Test func aRefusedBatchIsNamedBeforeABadLineParsedAfterIt() throws {
        let (valid, early) = try Self.lines()
        // Batches of four: lines 1–4 and 5–8 are appended; line 10 is refused by the rules;
        // line 14 is not JSON, and is read before the batch holding line 10 is committed.
        let input = Array(valid[0..<9]) + [early] + Array(valid[9..<12]) + ["{not json"] + Array(valid[12...])
        let (refusal, heard, logged) = try Self.refusal(of: input)
        #expect(refusal.line == 10)
        if case .rule = refusal.cause {} else { Issue.record("refused for \(refusal.cause), not a rule") }
        #expect(refusal.appendedBefore == 8 && heard == Array(1...8) && logged == 8)
    }

    @Test func aBadLineAfterAppendedBatchesIsNamedWithWhatWasAppended() throws {
        let (valid, _) = try Self.lines()
        // Line 11 is blank and skipped; lines 9 and 10 were waiting for their batch.
        let (refusal, heard, logged) = try Self.refusal(of: Array(valid[0..<10]) + ["", "{not json"] + Array(valid[10...]))
        #expect(refusal.line == 12)
        if case .input = refusal.cause {} else { Issue.record("refused for \(refusal.cause), not its input") }
        #expect(refusal.appendedBefore == 8 && heard == Array(1...8) && logged == 8)
    }

    @Test func everyLineAppendedInBatchesIsHeardOnceInOrder() throws {
        let (valid, _) = try Self.lines()
        let centre = try TestCentre()
        var heard: [Int] = []
        try centre.store.append(lines: valid, batchSize: 3) { line, _ in heard.append(line) }
        #expect(heard == Array(1...valid.count))
        #expect(try centre.store.log.head().sequence == UInt64(valid.count))
    }
}
