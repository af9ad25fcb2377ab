import Assessment
import Foundation
import Records

/// What counts towards a learner's qualification, with the decisions and credits behind
/// each criterion, for the transcript.
struct Standing {
    /// Counting decisions filed under "unit criterion", in the order made, with whether each met it.
    let judgements: [String: [(decision: Attest_V1_DecisionEntry, met: Bool)]]
    /// Standing credit transfers by unit.
    let transfers: [String: Attest_V1_RplEntry]
    /// Standing prior-learning credit by "unit criterion".
    let priorLearning: [String: Attest_V1_RplEntry]

    init(_ record: Attest_V1_LearnerRecord) {
        var judgements: [String: [(Attest_V1_DecisionEntry, Bool)]] = [:]
        for decision in record.decisions where !decision.awaitingRevision && !decision.evidenceWithdrawn {
            for (criterion, met) in decision.outcomes {
                judgements[decision.unit + " " + criterion, default: []].append((decision, met))
            }
        }
        var transfers: [String: Attest_V1_RplEntry] = [:]
        var priorLearning: [String: Attest_V1_RplEntry] = [:]
        for rpl in record.rpl where !rpl.revoked {
            if rpl.basis == .creditTransfer { transfers[rpl.unit] = rpl }
            for criterion in rpl.criteria { priorLearning[rpl.unit + " " + criterion] = rpl }
        }
        self.judgements = judgements
        self.transfers = transfers
        self.priorLearning = priorLearning
    }

    /// The RPL crediting `criterion` of `unit`, if any stands.
    func credit(_ unit: String, _ criterion: String) -> Attest_V1_RplEntry? {
        transfers[unit] ?? priorLearning[unit + " " + criterion]
    }

    /// The method that confirmed `criterion` in `decision`: the one the decision named
    /// for it, or else the evidence's own.
    func method(of decision: Attest_V1_DecisionEntry, for criterion: String) -> Attest_V1_EvidenceMethod {
        decision.methods[criterion] ?? decision.evidenceMethod
    }

    /// The evidence behind `decision` on `criterion`, with the method that confirmed it.
    func evidenceUsed(_ decision: Attest_V1_DecisionEntry, for criterion: String) -> Transcript.EvidenceUsed {
        Transcript.EvidenceUsed(id: decision.evidenceID, method: method(of: decision, for: criterion).name)
    }
}
