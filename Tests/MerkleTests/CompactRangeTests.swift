import Merkle
import Testing

@Suite struct CompactRangeTests {
    let leaves = (0..<130).map { TreeHash.leaf([UInt8(truncatingIfNeeded: $0), 0x5A]) }

    func leafHash(_ index: UInt64) -> Hash { leaves[Int(index)] }

    /// A plain reading of RFC 9162 §2.1.1 MTH, kept apart from the code under test.
    func referenceRoot(_ hashes: ArraySlice<Hash>) -> Hash {
        if hashes.isEmpty { return TreeHash.emptyRoot }
        if hashes.count == 1 { return hashes.first! }
        var k = 1
        while k * 2 < hashes.count { k *= 2 }
        let split = hashes.startIndex + k
        return TreeHash.node(referenceRoot(hashes[..<split]), referenceRoot(hashes[split...]))
    }

    @Test func theRightEdgeGivesTheSameRootAsTheWholeTree() {
        var range = CompactRange()
        for n in 0...leaves.count {
            #expect(range.root == referenceRoot(leaves[0..<n]), "size \(n)")
            #expect(range.size == UInt64(n))
            #expect(range.hashes.count == n.nonzeroBitCount)
            if n < leaves.count { range.append(leaves[n]) }
        }
    }

    @Test func theStoredFormRoundTripsAndRefusesNonsense() {
        var range = CompactRange()
        for leaf in leaves.prefix(77) { range.append(leaf) }
        #expect(CompactRange(encoded: range.encoded) == range)
        #expect(range.encoded.count == 8 + 32 * 77.nonzeroBitCount)
        #expect(CompactRange(encoded: range.encoded.dropLast()) == nil)
        #expect(CompactRange(encoded: range.encoded + Array(repeating: 0, count: 32)) == nil)
        #expect(CompactRange(encoded: [UInt8]()) == nil)
    }

    @Test func everyGeneratedProofVerifies() throws {
        for size in UInt64(1)...40 {
            let root = Proof.root(of: 0..<size, leafHash: leafHash)
            for index in 0..<size {
                let proof = try Proof.inclusion(leafIndex: index, treeSize: size, leafHash: leafHash)
                try Proof.verifyInclusion(leafHash: leafHash(index), leafIndex: index, treeSize: size, proof: proof, root: root)
            }
            for old in UInt64(1)...size {
                let proof = try Proof.consistency(from: old, to: size, leafHash: leafHash)
                try Proof.verifyConsistency(
                    oldSize: old, newSize: size, oldRoot: Proof.root(of: 0..<old, leafHash: leafHash), newRoot: root, proof: proof)
            }
        }
    }

    @Test func proofErrorsSayWhatWasComputedAndExpected() {
        let error = ProofError.rootMismatch(computed: TreeHash.emptyRoot, expected: .zero)
        #expect(error.description == "computed root \(TreeHash.emptyRoot.hex) but expected \(String(repeating: "0", count: 64))")
        #expect(throws: ProofError.indexBeyondSize(index: 5, size: 5)) {
            try Proof.inclusion(leafIndex: 5, treeSize: 5, leafHash: leafHash)
        }
    }

    /// A hash is written in hexadecimal digits only: a sign `UInt8(_:radix:)` would take is refused.
    @Test func aHashWithASignOrAnotherCharacterInPlaceOfADigitIsRefused() {
        let hex = TreeHash.leaf([7]).hex
        #expect(Hash(hex: hex) == TreeHash.leaf([7]) && Hash(hex: hex.uppercased()) == TreeHash.leaf([7]))
        for spelling in ["+", "-", " ", "g", "\u{0}"] {
            let altered = String(hex.prefix(26)) + spelling + String(hex.dropFirst(27))
            #expect(Hash(hex: altered) == nil, "\(altered)")
        }
    }
}
