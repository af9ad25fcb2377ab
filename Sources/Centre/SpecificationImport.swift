import Assessment
import EventLog
import Foundation
import Records

extension CentreStore {
    /// What importing a specification did.
    public enum SpecificationImport: Equatable {
        case imported(id: String, version: UInt32, sequence: UInt64)
        /// The file is identical to the latest version: nothing was appended.
        case unchanged(id: String, version: UInt32)
    }

    /// Imports a specification from its proto3 JSON as the next version of its id.
    /// - Throws: `EventInputError` for JSON that is not a specification, `BatchRefusal`
    ///   when a rule refuses the import.
    public func importSpecification(json: String, actor: String, now: () -> Date = Date.init) throws -> SpecificationImport {
        let specification = try CentreEvent.specification(json: json, actor: actor)
        let current = try entities { try $0.get(.specification, specification.id) } ?? .init()
        if current.latestVersion > 0, try current.latestDigest == specification.digest {
            return .unchanged(id: specification.id, version: current.latestVersion)
        }
        var payload = Attest_V1_SpecificationImported()
        payload.version = current.latestVersion + 1
        payload.specification = specification
        let who = Actor.administrator(actor)
        let event = try CentreEvent(.specificationImported(payload), actor: who, occurredAt: now())
        let appended = try append([event], now: now)
        return .imported(id: specification.id, version: payload.version, sequence: appended[0].sequence)
    }
}
