import Foundation
import Records

extension Attest_V1_LearnerRecord {
    /// Works `met` out afresh: decisions in force on evidence that stands, and RPL credit
    /// that stands. For a record an earlier version kept, before `met` was, or while the
    /// record held its evidence (which its decisions then take, `takeEvidence()`).
    package mutating func recomputeMet(in specification: CompiledSpecification) {
        takeEvidence()
        met = [:]
        for unit in Set(decisions.map(\.unit) + rpl.map(\.unit)) { recomputeMet(of: unit, in: specification) }
    }

    /// Gives each decision the unit, method and withdrawal of its evidence from the list of
    /// evidence the record held up to version 7 of the transcripts, and empties that list.
    mutating func takeEvidence() {
        guard !evidence.isEmpty else { return }
        let submitted = Dictionary(evidence.map { ($0.evidenceID, $0) }, uniquingKeysWith: { first, _ in first })
        for index in decisions.indices {
            guard let evidence = submitted[decisions[index].evidenceID] else { continue }
            decisions[index].unit = evidence.unit
            decisions[index].evidenceMethod = evidence.method
            decisions[index].evidenceWithdrawn = evidence.withdrawn
        }
        evidence = []
    }

    /// Works out afresh which criteria of `unit` are met, for a change that can undo a
    /// decision or a credit on it. The unit keeps a mask while any decision or credit on it stands.
    package mutating func recomputeMet(of unit: String, in specification: CompiledSpecification) {
        guard let positions = specification.criteria[unit] else { return }
        var mask = Self.emptyMask(positions)
        var standing = false
        for rpl in rpl where rpl.unit == unit && !rpl.revoked {
            Self.set(rpl.metCriteria(in: specification), at: positions, in: &mask)
            standing = true
        }
        for decision in decisions where decision.unit == unit && !decision.awaitingRevision && !decision.evidenceWithdrawn {
            Self.set(decision.metCriteria, at: positions, in: &mask)
            standing = true
        }
        met[unit] = standing ? mask : nil
    }

    /// Adds the criteria `decision` meets.
    package mutating func markMet(_ decision: Attest_V1_DecisionEntry, in specification: CompiledSpecification) {
        markMet(decision.metCriteria, of: decision.unit, in: specification)
    }

    /// Adds the criteria an RPL credit meets.
    package mutating func markMet(_ rpl: Attest_V1_RplEntry, in specification: CompiledSpecification) {
        markMet(rpl.metCriteria(in: specification), of: rpl.unit, in: specification)
    }

    private mutating func markMet(_ criteria: [String], of unit: String, in specification: CompiledSpecification) {
        guard let positions = specification.criteria[unit] else { return }
        Self.set(criteria, at: positions, in: &met[unit, default: Self.emptyMask(positions)])
    }

    /// A unit's mask with no criterion met: one bit per criterion, in the specification's order.
    private static func emptyMask(_ positions: [String: Int]) -> Data {
        Data(count: (positions.count + 7) / 8)
    }

    /// Sets the bits of `criteria`, at their `positions`, in `mask`.
    private static func set(_ criteria: [String], at positions: [String: Int], in mask: inout Data) {
        for criterion in criteria {
            if let position = positions[criterion] { mask[mask.startIndex + position / 8] |= 1 << (position % 8) }
        }
    }

    /// Whether every criterion of `unit` is met.
    package func achieves(_ unit: String, in specification: CompiledSpecification) -> Bool {
        guard let count = specification.criteria[unit]?.count, count > 0, let mask = met[unit] else { return false }
        // Only positions below `count` are ever set.
        return mask.withUnsafeBytes { bytes in bytes.reduce(0) { $0 + $1.nonzeroBitCount } } == count
    }

    /// The criteria of `unit` not met, in the specification's order.
    package func unmetCriteria(of unit: String, in specification: CompiledSpecification) -> [String] {
        guard let positions = specification.criteria[unit] else { return [] }
        let mask = met[unit] ?? Data()
        return positions.filter { criterion, position in
            let byte = position / 8
            return byte >= mask.count || mask[mask.startIndex + byte] & (1 << (position % 8)) == 0
        }.sorted { $0.value < $1.value }.map(\.key)
    }

    /// The units of `specification` achieved.
    package func achievedUnits(of specification: CompiledSpecification) -> Set<String> {
        Set(met.keys.filter { achieves($0, in: specification) })
    }
}

extension Attest_V1_RplEntry {
    /// The criteria the credit meets: a credit transfer meets all of its unit's.
    package func metCriteria(in specification: CompiledSpecification) -> [String] {
        basis == .creditTransfer ? specification.criteria[unit].map { Array($0.keys) } ?? [] : criteria
    }
}

extension Attest_V1_DecisionEntry {
    /// The decisions in force: the assessor's, or the revision's.
    package mutating func setOutcomes(_ decisions: some Sequence<Attest_V1_CriterionDecision>) {
        var met: [String] = [], notYetMet: [String] = []
        for decision in decisions {
            if decision.outcome == .met { met.append(decision.criterion) } else { notYetMet.append(decision.criterion) }
        }
        self.decisions = []
        criteriaMet = met
        criteriaNotYetMet = notYetMet
    }

    /// Amends the decisions in force with a revision: the criteria it lists take its
    /// outcomes, the others keep theirs.
    package mutating func amendOutcomes(_ revision: [Attest_V1_CriterionDecision]) {
        let revised = Dictionary(revision.map { ($0.criterion, $0) }, uniquingKeysWith: { _, last in last })
        var amended = outcomes.map { outcome in
            revised[outcome.criterion] ?? .with { $0.criterion = outcome.criterion; $0.outcome = outcome.met ? .met : .notYetMet }
        }
        let decided = Set(amended.map(\.criterion))
        amended += revision.filter { !decided.contains($0.criterion) }
        setOutcomes(amended)
    }

    /// The criteria the decisions in force meet, however the report's version kept them.
    package var metCriteria: [String] {
        decisions.isEmpty ? criteriaMet : decisions.filter { $0.outcome == .met }.map(\.criterion)
    }

    /// Each criterion decided, with whether it was met, however the report's version kept them.
    package var outcomes: [(criterion: String, met: Bool)] {
        guard decisions.isEmpty else { return decisions.map { ($0.criterion, $0.outcome == .met) } }
        return criteriaMet.map { ($0, true) } + criteriaNotYetMet.map { ($0, false) }
    }
}
