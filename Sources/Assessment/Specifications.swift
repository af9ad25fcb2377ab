import Foundation
import Merkle
import Records

/// A specification indexed for the rules: units by number, criteria by unit. A class, so
/// that handing it around costs one reference.
public final class CompiledSpecification: Sendable {
    public let specification: Attest_V1_Specification
    /// Unit number → its criterion numbers, each with its position in the unit (in the
    /// specification's order, from 0).
    public let criteria: [String: [String: Int]]

    public init(_ specification: Attest_V1_Specification) {
        self.specification = specification
        func positions(_ criteria: [Attest_V1_Criterion]) -> [String: Int] {
            Dictionary(criteria.enumerated().map { ($1.number, $0) }, uniquingKeysWith: { first, _ in first })
        }
        var criteria: [String: [String: Int]] = [:]
        for unit in specification.units {
            criteria[unit.number] = positions(unit.learningOutcomes.flatMap(\.criteria))
        }
        if specification.kind == .occupationalStandard {
            // A standard is assessed as one "unit" named by its id: performance criteria and knowledge items.
            criteria[specification.id] = positions(specification.performanceCriteria + specification.knowledge)
        }
        self.criteria = criteria
    }

    /// The unit numbers, in specification order.
    public var unitNumbers: [String] {
        specification.kind == .occupationalStandard ? [specification.id] : specification.units.map(\.number)
    }
}

extension Attest_V1_Specification {
    /// SHA-256 of the binary encoding: two imports are the same version when their digests are.
    var digest: Data {
        get throws { Data(try (serializedBytes() as [UInt8]).withUnsafeBytes(TreeHash.sha256).bytes) }
    }
}

/// Why a specification cannot be imported.
enum SpecificationCheck {
    /// The first structural problem with `specification`, or `nil` when there is none.
    static func problem(in specification: Attest_V1_Specification) -> String? {
        if specification.id.isEmpty { return "the specification has no id" }
        if specification.title.isEmpty { return "specification \(specification.id) has no title" }
        var units = Set<String>()
        for unit in specification.units {
            if unit.number.isEmpty { return "a unit has no number" }
            if !units.insert(unit.number).inserted { return "unit \(unit.number) appears twice" }
            var criteria = Set<String>()
            if unit.learningOutcomes.isEmpty { return "unit \(unit.number) has no learning outcomes" }
            for outcome in unit.learningOutcomes {
                for criterion in outcome.criteria {
                    if !criterion.number.hasPrefix(outcome.number + ".") {
                        return "criterion \(criterion.number) of unit \(unit.number) is not numbered under learning outcome \(outcome.number)"
                    }
                    if !criteria.insert(criterion.number).inserted {
                        return "criterion \(criterion.number) appears twice in unit \(unit.number)"
                    }
                }
            }
        }
        switch specification.kind {
        case .qualification:
            if specification.units.isEmpty { return "qualification \(specification.id) has no units" }
            let grouped = specification.groups.flatMap(\.units)
            if let stray = grouped.first(where: { !units.contains($0) }) { return "group lists unit \(stray), which the qualification does not have" }
            if let loose = units.sorted().first(where: { !grouped.contains($0) }) { return "unit \(loose) is in no group" }
            let rules = specification.rulesOfCombination
            if rules.totalCredits == 0 { return "qualification \(specification.id) has no total credits in its rules of combination" }
            let codes = Set(specification.groups.map(\.code))
            if let minimum = rules.groupMinimums.first(where: { !codes.contains($0.group) }) {
                return "the rules of combination name group \(minimum.group), which does not exist"
            }
            if let unit = rules.mandatoryUnits.first(where: { !units.contains($0) }) {
                return "the rules of combination make unit \(unit) mandatory, which the qualification does not have"
            }
        case .standaloneUnit:
            if specification.units.count != 1 { return "a standalone unit specification holds exactly one unit, not \(specification.units.count)" }
            if !specification.groups.isEmpty { return "a standalone unit has no groups" }
        case .occupationalStandard:
            if !specification.units.isEmpty { return "an occupational standard has no units" }
            if specification.performanceCriteria.isEmpty { return "an occupational standard needs performance criteria" }
        case .unspecified, .UNRECOGNIZED:
            return "specification \(specification.id) has no kind (QUALIFICATION, STANDALONE_UNIT or OCCUPATIONAL_STANDARD)"
        }
        return nil
    }
}
