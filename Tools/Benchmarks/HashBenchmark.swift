import ArgumentParser
import Crypto
import Foundation
import Merkle

/// SHA-256 through libcrypto's low-level interface (`TreeHash`, what the log, the Merkle
/// tree and the keys use) beside swift-crypto's `SHA256`, on inputs the size of a record
/// and of a Merkle node, in turns.
struct HashBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "Measure TreeHash's SHA-256 beside swift-crypto's on record- and node-sized inputs."
    )

    @Option(help: "Hashes per run and input size.")
    var hashes = 2_000_000

    @Option(help: "Runs; the figures are medians.")
    var runs = 5

    func run() throws {
        for size in [65, 400] {
            let input = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            var treeHash: [Double] = [], swiftCrypto: [Double] = []
            var sink: UInt8 = 0
            for _ in 0..<runs {
                treeHash.append(try measure(hashes) {
                    for _ in 0..<hashes { sink ^= input.withUnsafeBytes { TreeHash.sha256($0) }.withUnsafeBytes { $0[0] } }
                })
                swiftCrypto.append(try measure(hashes) {
                    for _ in 0..<hashes { sink ^= input.withUnsafeBytes { SHA256.hash(data: $0) }.withUnsafeBytes { $0[0] } }
                })
            }
            let ours = treeHash.sorted()[runs / 2], theirs = swiftCrypto.sorted()[runs / 2]
            print("\(size)-byte inputs, median of \(runs) runs (hashes/s): TreeHash.sha256 \(Int(ours)), swift-crypto SHA256 \(Int(theirs)) (\(percent(ours, of: theirs)) of it)\(sink == 0 ? "" : "")")
        }
    }
}
