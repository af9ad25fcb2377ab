/// Test vectors published with RFC 6962 reference implementations.
/// Source: transparency-dev/merkle, `testonly/constants.go` (LeafInputs, RootHashes, EmptyRootHash)
/// and `proof/verify_test.go` (the `leaves`, `roots`, `inclusionProofs` and `consistencyProofs`
/// tables, before they moved into `testdata/inclusion/N/happy-path.json` and
/// `testdata/consistency/N/happy-path.json`, which hold the same values in base64).
/// The same tables appear in google/certificate-transparency `cpp/merkletree/merkle_tree_test.cc`
/// (kInputs, kSHA256Roots, kSHA256Paths, kSHA256Proofs) and google/certificate-transparency-go
/// `merkletree/merkle_verifier_test.go`; the copies agree.
///
/// Leaf indices: the Go and C++ tables number leaves from 1 (their tests pass `leaf - 1` to the
/// verifier and look the input up as `inputs[leaf - 1]`); the JSON testdata numbers them from 0.
/// Here `leafIndex` is 0-based, as in the JSON testdata. The published table's `{0, 0, nil}`
/// entry, marked "an invalid path" and skipped by the published tests, is left out.
enum PublishedVectors {
    /// The eight leaf inputs (hex), in order.
    static let leaves: [String] = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]

    /// Expected root hash (hex) of the tree of the first `n` leaves, for n = 1...8 (index 0 is n = 1).
    static let roots: [String] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    /// The root of the empty tree (SHA-256 of the empty string).
    static let emptyRoot = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// An inclusion proof; `leafIndex` is 0-based.
    struct Inclusion: Sendable { let leafIndex: UInt64; let treeSize: UInt64; let proof: [String] }

    /// Published (1-based) leaf 1 of 1, 1 of 8, 6 of 8, 3 of 3, 2 of 5.
    static let inclusionProofs: [Inclusion] = [
        Inclusion(leafIndex: 0, treeSize: 1, proof: []),
        Inclusion(leafIndex: 0, treeSize: 8, proof: [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ]),
        Inclusion(leafIndex: 5, treeSize: 8, proof: [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
        Inclusion(leafIndex: 2, treeSize: 3, proof: [
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        ]),
        Inclusion(leafIndex: 1, treeSize: 5, proof: [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ]),
    ]

    /// A consistency proof between the trees of the first `size1` and `size2` leaves.
    struct Consistency: Sendable { let size1: UInt64; let size2: UInt64; let proof: [String] }

    static let consistencyProofs: [Consistency] = [
        Consistency(size1: 1, size2: 1, proof: []),
        Consistency(size1: 1, size2: 8, proof: [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ]),
        Consistency(size1: 6, size2: 8, proof: [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
        Consistency(size1: 2, size2: 5, proof: [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ]),
        Consistency(size1: 6, size2: 7, proof: [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
    ]
}
