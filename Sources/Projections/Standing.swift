import Records

/// What counts towards a learner's qualification: decisions in force on evidence that
/// stands, and RPL credit that stands. Shared by the transcript and the check, after
/// each decision, of whether the rules of combination are met.
struct Standing {
    let evidence: [String: Attest_V1_EvidenceEntry]
    /// Counting decisions filed under "unit criterion", in the order made, with whether each met it.
    let judgements: [String: [(decision: Attest_V1_DecisionEntry, met: Bool)]]
    /// Standing credit transfers by unit.
    let transfers: [String: Attest_V1_RplEntry]
    /// Standing prior-learning credit by "unit criterion".
    let priorLearning: [String: Attest_V1_RplEntry]

    init(_ record: Attest_V1_LearnerRecord) {
        let evidence = Dictionary(record.evidence.map { ($0.evidenceID, $0) }, uniquingKeysWith: { a, _ in a })
        var judgements: [String: [(Attest_V1_DecisionEntry, Bool)]] = [:]
        for decision in record.decisions where !decision.awaitingRevision {
            guard let submitted = evidence[decision.evidenceID], !submitted.withdrawn else { continue }
            for outcome in decision.decisions {
                judgements[submitted.unit + " " + outcome.criterion, default: []].append((decision, outcome.outcome == .met))
            }
        }
        var transfers: [String: Attest_V1_RplEntry] = [:]
        var priorLearning: [String: Attest_V1_RplEntry] = [:]
        for rpl in record.rpl where !rpl.revoked {
            if rpl.basis == .creditTransfer { transfers[rpl.unit] = rpl }
            for criterion in rpl.criteria { priorLearning[rpl.unit + " " + criterion] = rpl }
        }
        self.evidence = evidence
        self.judgements = judgements
        self.transfers = transfers
        self.priorLearning = priorLearning
    }

    /// The RPL crediting `criterion` of `unit`, if any stands.
    func credit(_ unit: String, _ criterion: String) -> Attest_V1_RplEntry? {
        transfers[unit] ?? priorLearning[unit + " " + criterion]
    }

    func isMet(_ unit: String, _ criterion: String) -> Bool {
        credit(unit, criterion) != nil || judgements[unit + " " + criterion]?.contains(where: \.met) == true
    }

    /// Every criterion met, or the whole unit credited.
    func isAchieved(_ unit: Attest_V1_Unit) -> Bool {
        if transfers[unit.number] != nil { return true }
        let criteria = unit.learningOutcomes.flatMap(\.criteria)
        return !criteria.isEmpty && criteria.allSatisfy { isMet(unit.number, $0.number) }
    }

    func achievedUnits(of specification: Attest_V1_Specification) -> Set<String> {
        Set(specification.units.filter(isAchieved).map(\.number))
    }

    /// The evidence behind `decision` on `criterion`, with the method that confirmed it.
    func evidenceUsed(_ decision: Attest_V1_DecisionEntry, for criterion: String) -> Transcript.EvidenceUsed {
        let method = decision.methods[criterion] ?? evidence[decision.evidenceID]?.method ?? .unspecified
        return Transcript.EvidenceUsed(id: decision.evidenceID, method: Transcript.name(method))
    }
}

/// Credits of achieved units against a specification's rules of combination.
struct Combination {
    let total: Int
    let mandatory: Int
    let requiredTotal: Int
    let requiredMandatory: Int
    let requiredOptional: Int
    let met: Bool

    init(achieved: Set<String>, specification: Attest_V1_Specification) {
        let mandatoryGroups = Set(specification.groups.filter(\.mandatory).map(\.code))
        let groupOf = Dictionary(specification.groups.flatMap { group in group.units.map { ($0, group.code) } }, uniquingKeysWith: { a, _ in a })
        let credited = specification.units.filter { achieved.contains($0.number) }
        func credits(_ units: some Sequence<Attest_V1_Unit>) -> Int { units.reduce(0) { $0 + Int($1.credits) } }
        let rules = specification.rulesOfCombination
        total = credits(credited)
        mandatory = credits(credited.filter { groupOf[$0.number].map(mandatoryGroups.contains) == true })
        requiredMandatory = rules.groupMinimums.filter { mandatoryGroups.contains($0.group) }.reduce(0) { $0 + Int($1.minimumCredits) }
        requiredOptional = rules.groupMinimums.filter { !mandatoryGroups.contains($0.group) }.reduce(0) { $0 + Int($1.minimumCredits) }
        requiredTotal = Int(rules.totalCredits)
        let groupsMet = rules.groupMinimums.allSatisfy { minimum in
            credits(credited.filter { groupOf[$0.number] == minimum.group }) >= Int(minimum.minimumCredits)
        }
        met = rules.totalCredits > 0 && total >= requiredTotal && groupsMet && rules.mandatoryUnits.allSatisfy(achieved.contains)
    }
}
