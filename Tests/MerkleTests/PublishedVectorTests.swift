import Foundation
import Merkle
import Testing

/// Our tree against the values published with the RFC 6962 reference implementations.
@Suite struct PublishedVectorTests {
    let leaves = PublishedVectors.leaves.map { TreeHash.leaf(bytes(hex: $0)) }

    func leafHash(_ index: UInt64) -> Hash { leaves[Int(index)] }

    func hashes(_ hex: [String]) -> [Hash] { hex.map { Hash(hex: $0)! } }

    @Test func theEmptyTreeRootIsPublished() {
        #expect(TreeHash.emptyRoot.hex == PublishedVectors.emptyRoot)
        #expect(CompactRange().root.hex == PublishedVectors.emptyRoot)
    }

    @Test func rootsOfTheFirstNLeavesArePublished() {
        var range = CompactRange()
        for (n, expected) in PublishedVectors.roots.enumerated() {
            range.append(leaves[n])
            #expect(range.root.hex == expected, "root of \(n + 1) leaves")
            #expect(Proof.root(of: 0..<UInt64(n + 1), leafHash: leafHash).hex == expected)
        }
    }

    @Test func inclusionProofsArePublished() throws {
        for vector in PublishedVectors.inclusionProofs {
            let proof = try Proof.inclusion(leafIndex: vector.leafIndex, treeSize: vector.treeSize, leafHash: leafHash)
            #expect(proof.map(\.hex) == vector.proof, "leaf \(vector.leafIndex) of \(vector.treeSize)")
            let root = Hash(hex: PublishedVectors.roots[Int(vector.treeSize) - 1])!
            try Proof.verifyInclusion(
                leafHash: leafHash(vector.leafIndex), leafIndex: vector.leafIndex, treeSize: vector.treeSize,
                proof: hashes(vector.proof), root: root)
        }
    }

    @Test func consistencyProofsArePublished() throws {
        for vector in PublishedVectors.consistencyProofs {
            let proof = try Proof.consistency(from: vector.size1, to: vector.size2, leafHash: leafHash)
            #expect(proof.map(\.hex) == vector.proof, "\(vector.size1) → \(vector.size2)")
            try Proof.verifyConsistency(
                oldSize: vector.size1, newSize: vector.size2,
                oldRoot: Hash(hex: PublishedVectors.roots[Int(vector.size1) - 1])!,
                newRoot: Hash(hex: PublishedVectors.roots[Int(vector.size2) - 1])!,
                proof: hashes(vector.proof))
        }
    }

    /// The negative cases of the published suites: a wrong leaf, a modified proof hash,
    /// a proof too short or with trailing garbage, the wrong root.
    @Test func alteredProofsAreRefused() throws {
        for vector in PublishedVectors.inclusionProofs where !vector.proof.isEmpty {
            let root = Hash(hex: PublishedVectors.roots[Int(vector.treeSize) - 1])!
            let proof = hashes(vector.proof)
            func refuses(leaf: Hash = leafHash(vector.leafIndex), index: UInt64 = vector.leafIndex, _ path: [Hash], root: Hash = root) -> Bool {
                (try? Proof.verifyInclusion(leafHash: leaf, leafIndex: index, treeSize: vector.treeSize, proof: path, root: root)) == nil
            }
            #expect(refuses(leaf: TreeHash.leaf([0xFF]), proof))
            #expect(refuses(index: vector.leafIndex ^ 1, proof))
            #expect(refuses(Array(proof.dropLast())))
            #expect(refuses(proof + [TreeHash.emptyRoot]))
            #expect(refuses(proof, root: TreeHash.emptyRoot))
            var flipped = proof[0].bytes
            flipped[0] ^= 0x08
            #expect(refuses([Hash(bytes: flipped)!] + proof.dropFirst()))
        }
        for vector in PublishedVectors.consistencyProofs where !vector.proof.isEmpty {
            let old = Hash(hex: PublishedVectors.roots[Int(vector.size1) - 1])!
            let new = Hash(hex: PublishedVectors.roots[Int(vector.size2) - 1])!
            let proof = hashes(vector.proof)
            func refuses(_ path: [Hash], old: Hash = old, new: Hash = new) -> Bool {
                (try? Proof.verifyConsistency(oldSize: vector.size1, newSize: vector.size2, oldRoot: old, newRoot: new, proof: path)) == nil
            }
            #expect(refuses(proof, old: new, new: old))
            #expect(refuses(Array(proof.dropLast())))
            #expect(refuses(proof + [TreeHash.emptyRoot]))
            var flipped = proof.last!.bytes
            flipped[31] ^= 0x01
            #expect(refuses(proof.dropLast() + [Hash(bytes: flipped)!]))
        }
    }
}

func bytes(hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
}
