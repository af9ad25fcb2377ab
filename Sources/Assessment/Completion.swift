import Records

/// What completes a specification, by its kind, indexed to weigh a learner's achieved
/// units quickly:
/// - a qualification: its rules of combination (total credits, each group's minimum,
///   the mandatory units);
/// - a standalone unit: its one unit achieved (every criterion met);
/// - an occupational standard: every performance criterion and knowledge item met
///   (the standard is kept as one "unit" named by its id, see `CompiledSpecification`).
package struct Completion {
    /// The one unit that completes a standalone unit (its own) or a standard (its id).
    private let soleUnit: String?
    private let credits: [String: Int]
    private let groupOf: [String: String]
    private let groups: [(code: String, mandatory: Bool, units: [String])]
    private let groupMinimums: [(group: String, credits: Int)]
    private let mandatoryUnits: [String]
    private let requiredTotal: Int

    package init(_ specification: Attest_V1_Specification) {
        soleUnit = switch specification.kind {
        case .standaloneUnit: specification.units.first?.number
        case .occupationalStandard: specification.id
        default: nil
        }
        let rules = specification.rulesOfCombination
        credits = Dictionary(specification.units.map { ($0.number, Int($0.credits)) }, uniquingKeysWith: { first, _ in first })
        groupOf = Dictionary(specification.groups.flatMap { group in group.units.map { ($0, group.code) } }, uniquingKeysWith: { first, _ in first })
        groups = specification.groups.map { ($0.code, $0.mandatory, $0.units) }
        groupMinimums = rules.groupMinimums.map { ($0.group, Int($0.minimumCredits)) }
        mandatoryUnits = rules.mandatoryUnits
        requiredTotal = specification.kind == .standaloneUnit ? credits.values.reduce(0, +) : Int(rules.totalCredits)
    }

    /// Whether `achieved` completes the specification: `weigh(achieved).met`, but quick
    /// to say no when the credits fall short, as they do for most of a learner's units.
    package func isMet(by achieved: Set<String>) -> Bool {
        if let soleUnit { return achieved.contains(soleUnit) }
        return achieved.reduce(0) { $0 + (credits[$1] ?? 0) } >= requiredTotal && weigh(achieved).met
    }

    /// The credits of `achieved` against what the specification asks; for a standard,
    /// which has no credits, only whether it is met.
    package func weigh(_ achieved: Set<String>) -> Combination {
        var total = 0
        var byGroup: [String: Int] = [:]
        for unit in achieved {
            guard let value = credits[unit] else { continue }
            total += value
            if let group = groupOf[unit] { byGroup[group, default: 0] += value }
        }
        if let soleUnit {
            // A standalone unit counts as mandatory: it is the whole of what is asked.
            let met = achieved.contains(soleUnit)
            return Combination(
                total: total, mandatory: total, requiredTotal: requiredTotal, requiredMandatory: requiredTotal,
                requiredOptional: 0, byGroup: [:], met: met)
        }
        let mandatoryGroups = Set(groups.filter(\.mandatory).map(\.code))
        let mandatory = byGroup.filter { mandatoryGroups.contains($0.key) }.values.reduce(0, +)
        let required = groupMinimums.filter { mandatoryGroups.contains($0.group) }.reduce(0) { $0 + $1.credits }
        return Combination(
            total: total, mandatory: mandatory, requiredTotal: requiredTotal, requiredMandatory: required,
            requiredOptional: groupMinimums.reduce(0) { $0 + $1.credits } - required, byGroup: byGroup,
            met: requiredTotal > 0 && total >= requiredTotal
                && groupMinimums.allSatisfy { byGroup[$0.group, default: 0] >= $0.credits }
                && mandatoryUnits.allSatisfy(achieved.contains))
    }

    /// What `record` still misses, in words and figures: for a qualification the credits
    /// short (`credits 26 of 27`, `optional credits 12 of 13`) and the mandatory units not
    /// achieved (`unit F/506/2131 not achieved`); for a standalone unit or a standard each
    /// criterion or item not met (`1.2 not met`, `K4 not met`). Empty once complete.
    /// `achieved` is `record.achievedUnits(of: specification)`, which the caller has to hand.
    package func shortfalls(of record: Attest_V1_LearnerRecord, achieved: Set<String>, in specification: CompiledSpecification) -> [String] {
        if let soleUnit {
            return achieved.contains(soleUnit) ? [] : record.unmetCriteria(of: soleUnit, in: specification).map { "\($0) not met" }
        }
        let weighed = weigh(achieved)
        guard !weighed.met else { return [] }
        var shortfalls: [String] = []
        if weighed.total < requiredTotal { shortfalls.append("credits \(weighed.total) of \(requiredTotal)") }
        let mandatoryByCode = Dictionary(groups.map { ($0.code, $0.mandatory) }, uniquingKeysWith: { first, _ in first })
        var missingUnits: [String] = mandatoryUnits.filter { !achieved.contains($0) }
        for minimum in groupMinimums {
            let have = weighed.byGroup[minimum.group, default: 0]
            guard have < minimum.credits else { continue }
            let isMandatory = mandatoryByCode[minimum.group] ?? false
            let sameKind = groupMinimums.filter { (mandatoryByCode[$0.group] ?? false) == isMandatory }.count
            let named = sameKind > 1 ? " in group \(minimum.group)" : ""
            shortfalls.append("\(isMandatory ? "mandatory" : "optional") credits\(named) \(have) of \(minimum.credits)")
            if isMandatory, let group = groups.first(where: { $0.code == minimum.group }) {
                missingUnits += group.units.filter { !achieved.contains($0) && !missingUnits.contains($0) }
            }
        }
        return shortfalls + missingUnits.map { "unit \($0) not achieved" }
    }
}

/// Credits of achieved units against what a specification asks.
package struct Combination {
    package let total: Int
    package let mandatory: Int
    package let requiredTotal: Int
    package let requiredMandatory: Int
    package let requiredOptional: Int
    /// Credits achieved by group code.
    package let byGroup: [String: Int]
    package let met: Bool
}
