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
    /// What completes the specification, indexed.
    package let completion: Completion

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
        completion = Completion(specification)
    }

    /// The criteria that ask for competence, as (unit, criterion) in specification order:
    /// those of learning outcomes marked COMPETENCE, and a standard's performance criteria
    /// (under the standard's id).
    public var competenceCriteria: [(unit: String, criterion: String)] {
        if specification.kind == .occupationalStandard {
            return specification.performanceCriteria.map { (specification.id, $0.number) }
        }
        return specification.units.flatMap { unit in
            unit.learningOutcomes.filter { $0.kind == .competence }.flatMap { $0.criteria.map { (unit.number, $0.number) } }
        }
    }

    /// The unit numbers, in specification order.
    public var unitNumbers: [String] {
        specification.kind == .occupationalStandard ? [specification.id] : specification.units.map(\.number)
    }
}

extension Attest_V1_Specification {
    /// SHA-256 of the binary encoding: two imports are the same version when their digests are.
    package var digest: Data {
        get throws { Data(try (serializedBytes() as [UInt8]).withUnsafeBytes(TreeHash.sha256).bytes) }
    }
}

/// Why a specification cannot be imported.
enum SpecificationCheck {
    /// The first problem with `specification`, or `nil` when there is none: its shape
    /// must fit its kind (naming the field that does not), its units, outcomes and
    /// criteria must be numbered consistently, and its dates must be dates.
    static func problem(in specification: Attest_V1_Specification) -> String? {
        if specification.id.isEmpty { return "the specification has no id" }
        let name = "specification \(specification.id)"
        if specification.title.isEmpty { return "\(name) has no title" }
        if let problem = shapeProblem(specification, name) { return problem }
        if let problem = identityProblem(specification, name) { return problem }
        var units = Set<String>()
        for unit in specification.units {
            if unit.number.isEmpty { return "a unit of \(name) has no number" }
            if !units.insert(unit.number).inserted { return "unit \(unit.number) appears twice in \(name)" }
            var criteria = Set<String>()
            if unit.learningOutcomes.isEmpty { return "unit \(unit.number) has no learningOutcomes" }
            for outcome in unit.learningOutcomes {
                if outcome.number.isEmpty { return "a learning outcome of unit \(unit.number) has no number" }
                if outcome.criteria.isEmpty { return "learning outcome \(outcome.number) of unit \(unit.number) has no criteria" }
                if case .UNRECOGNIZED = outcome.kind { return "learning outcome \(outcome.number) of unit \(unit.number) has an unknown kind" }
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
        if specification.kind == .qualification { return rulesProblem(specification, units: units) }
        if specification.kind == .occupationalStandard { return itemsProblem(specification, name) }
        return nil
    }

    /// The first field present that the kind does not have, or missing that it needs.
    private static func shapeProblem(_ specification: Attest_V1_Specification, _ name: String) -> String? {
        var present: [String] = []
        if !specification.groups.isEmpty { present.append("groups") }
        if specification.hasRulesOfCombination { present.append("rulesOfCombination") }
        if !specification.units.isEmpty { present.append("units") }
        if !specification.performanceCriteria.isEmpty { present.append("performanceCriteria") }
        if !specification.knowledge.isEmpty { present.append("knowledge") }
        if specification.totalQualificationTime != 0 { present.append("totalQualificationTime") }
        if specification.guidedLearningHours != 0 { present.append("guidedLearningHours") }
        let allowed: Set<String>, needed: [String], kind: String
        switch specification.kind {
        case .qualification:
            (kind, allowed, needed) = ("a qualification", ["groups", "rulesOfCombination", "units", "totalQualificationTime", "guidedLearningHours"],
                                       ["units", "groups", "rulesOfCombination"])
        case .standaloneUnit:
            (kind, allowed, needed) = ("a standalone unit", ["units", "guidedLearningHours"], ["units"])
        case .occupationalStandard:
            (kind, allowed, needed) = ("an occupational standard", ["performanceCriteria", "knowledge"], ["performanceCriteria", "knowledge"])
        case .unspecified, .UNRECOGNIZED:
            return "\(name) has no kind (QUALIFICATION, STANDALONE_UNIT or OCCUPATIONAL_STANDARD)"
        }
        if let stray = present.first(where: { !allowed.contains($0) }) {
            return "\(name) is \(kind), which has no \(stray)"
        }
        if let missing = needed.first(where: { !present.contains($0) }) {
            return "\(name) is \(kind) and needs \(missing)"
        }
        if specification.kind == .standaloneUnit {
            if specification.units.count != 1 {
                return "\(name) is a standalone unit, whose units hold exactly one unit, not \(specification.units.count)"
            }
            if specification.units[0].credits == 0 { return "unit \(specification.units[0].number) of \(name) has no credits" }
        }
        return nil
    }

    /// A qualification's groups and rules of combination fit its units.
    private static func rulesProblem(_ specification: Attest_V1_Specification, units: Set<String>) -> String? {
        let grouped = specification.groups.flatMap(\.units)
        if let stray = grouped.first(where: { !units.contains($0) }) { return "group lists unit \(stray), which the qualification does not have" }
        if let loose = units.sorted().first(where: { !grouped.contains($0) }) { return "unit \(loose) is in no group" }
        let rules = specification.rulesOfCombination
        if rules.totalCredits == 0 { return "qualification \(specification.id) has no totalCredits in its rulesOfCombination" }
        let codes = Set(specification.groups.map(\.code))
        if let minimum = rules.groupMinimums.first(where: { !codes.contains($0.group) }) {
            return "the rules of combination name group \(minimum.group), which does not exist"
        }
        if let unit = rules.mandatoryUnits.first(where: { !units.contains($0) }) {
            return "the rules of combination make unit \(unit) mandatory, which the qualification does not have"
        }
        return nil
    }

    /// A standard's items are numbered P1, P2, … and K1, K2, …, each once.
    private static func itemsProblem(_ specification: Attest_V1_Specification, _ name: String) -> String? {
        var seen = Set<String>()
        for (items, prefix, field) in [(specification.performanceCriteria, "P", "performanceCriteria"), (specification.knowledge, "K", "knowledge")] {
            for item in items {
                guard item.number.hasPrefix(prefix), item.number.count > 1, item.number.dropFirst().allSatisfy(\.isNumber) else {
                    return "\(field) item \(item.number.isEmpty ? "with no number" : item.number) of \(name) is not numbered \(prefix)1, \(prefix)2, …"
                }
                if !seen.insert(item.number).inserted { return "\(item.number) appears twice in \(name)" }
            }
        }
        return nil
    }

    /// Dates are dates, and a review comes after the approval.
    private static func identityProblem(_ specification: Attest_V1_Specification, _ name: String) -> String? {
        for (field, text) in [("approvedOn", specification.approvedOn), ("reviewOn", specification.reviewOn)] where !text.isEmpty {
            if CalendarDate(text) == nil { return "\(field) \(text) of \(name) is not a date such as 2024-03-31" }
        }
        if let approved = CalendarDate(specification.approvedOn), let review = CalendarDate(specification.reviewOn), review < approved {
            return "reviewOn \(specification.reviewOn) of \(name) is before its approvedOn \(specification.approvedOn)"
        }
        return nil
    }
}
