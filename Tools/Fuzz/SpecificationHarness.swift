import Assessment
import AttestTesting
import Centre
import Records
import SwiftProtobuf

/// The specification import (`CentreStore.importSpecification(json:actor:)`) into a
/// temporary store whose administrator is `admin`: every refusal is an `EventInputError`
/// or a `BatchRefusal`, and an accepted file imported again changes nothing.
final class SpecificationHarness: Harness {
    private var centre: TestCentre
    private var imports = 0
    /// Imports kept in one store before a fresh one is made, so the store stays small.
    private static let importsPerStore = 200

    init() throws { centre = try Self.freshCentre() }

    func check(_ input: [UInt8]) throws -> Outcome {
        let json = String(decoding: input, as: UTF8.self)
        let first: CentreStore.SpecificationImport
        do {
            first = try centre.store.importSpecification(json: json, actor: "admin")
        } catch let refusal as BatchRefusal {
            return try Harnesses.refusal(refusal, as: BatchRefusal.self)
        } catch {
            return try Harnesses.refusal(error, as: EventInputError.self)
        }
        let again = try centre.store.importSpecification(json: json, actor: "admin")
        let (id, version) = switch first {
        case let .imported(id, version, _): (id, version)
        case let .unchanged(id, version): (id, version)
        }
        guard again == .unchanged(id: id, version: version) else {
            throw Finding("a specification imported as \(first) imports again as \(again)")
        }
        imports += 1
        if imports == Self.importsPerStore {
            centre = try Self.freshCentre()
            imports = 0
        }
        return .accepted
    }

    private static func freshCentre() throws -> TestCentre {
        let centre = try TestCentre()
        try centre.record(.staffRegistered(.with { $0.staffID = "admin"; $0.roles = [.centreAdministrator] }), by: "admin")
        return centre
    }
}
