import Foundation
import Records

/// Compiled specifications by the digest of their stored bytes: a specification
/// version never changes, so each is decoded once per process.
final class SpecificationCache: @unchecked Sendable {
    private var compiled: [Data: CompiledSpecification] = [:]
    private let lock = NSLock()

    func specification(digest: Data, load: () throws -> Attest_V1_Specification?) rethrows -> CompiledSpecification? {
        lock.lock()
        defer { lock.unlock() }
        if let hit = compiled[digest] { return hit }
        guard let specification = try load() else { return nil }
        let result = CompiledSpecification(specification)
        compiled[digest] = result
        return result
    }
}
