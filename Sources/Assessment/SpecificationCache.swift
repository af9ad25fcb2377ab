import Foundation
import Records

/// Compiled specifications by the digest of their stored bytes: a specification
/// version never changes, so each is decoded once per process.
package final class SpecificationCache: @unchecked Sendable {
    private var compiled: [Data: CompiledSpecification] = [:]
    private let lock = NSLock()

    /// Specification `id` at `version` as `entities` hold it; `nil` when not imported.
    /// Kept by `entities`' memory once found, so that the rules find it once a batch.
    package func specification(_ id: String, version: UInt32, in entities: Entities) throws -> CompiledSpecification? {
        let key = SpecificationVersion(id: id, version: version)
        return try entities.compiledSpecification(key) {
            guard let digest = try entities.specificationDigest(key) else { return nil }
            return try specification(digest: Data(digest)) { try entities.specification(id, version: version) }
        }
    }

    private func specification(digest: Data, load: () throws -> Attest_V1_Specification?) rethrows -> CompiledSpecification? {
        lock.lock()
        defer { lock.unlock() }
        if let hit = compiled[digest] { return hit }
        guard let specification = try load() else { return nil }
        let result = CompiledSpecification(specification)
        compiled[digest] = result
        return result
    }
}
