import Records

/// Who produces evidence of a method (handbook 5.5 and 5.7): the learner, a witness,
/// or the assessor who conducts the assessment.
public enum EvidenceProducer: Sendable {
    /// Work products, reflective accounts and written or online tests.
    case learner
    /// Witness and expert witness testimony: the witness, who never decides on it.
    case witness
    /// Observation, questioning, professional discussion and simulation.
    case assessor

    /// The producer of evidence of `method`.
    /// - Throws: `RuleViolation` (`well-formed`) for a method that is not one of the nine.
    init(_ method: Attest_V1_EvidenceMethod, of subject: @autoclosure () -> String) throws {
        switch method {
        case .workProduct, .reflectiveAccount, .writtenOrOnlineTest: self = .learner
        case .witnessTestimony, .expertWitnessTestimony: self = .witness
        case .observation, .questioning, .professionalDiscussion, .simulation: self = .assessor
        case .unspecified, .UNRECOGNIZED: throw RuleViolation("well-formed", "\(subject()) has no method (one of the nine evidence methods)")
        }
    }
}

extension Attest_V1_EvidenceMethod {
    /// The method as reports write it: `WITNESS_TESTIMONY` → `witness_testimony`;
    /// `unspecified` for none, or one this code does not know.
    public var name: String {
        switch self {
        case .observation: "observation"
        case .witnessTestimony: "witness_testimony"
        case .expertWitnessTestimony: "expert_witness_testimony"
        case .workProduct: "work_product"
        case .professionalDiscussion: "professional_discussion"
        case .questioning: "questioning"
        case .simulation: "simulation"
        case .writtenOrOnlineTest: "written_or_online_test"
        case .reflectiveAccount: "reflective_account"
        case .unspecified, .UNRECOGNIZED: "unspecified"
        }
    }

    /// Whether the method shows the learner performing (observation, witness or expert
    /// witness testimony, a work product, a simulation): the evidence a competence
    /// criterion needs.
    public var isPerformance: Bool {
        switch self {
        case .observation, .witnessTestimony, .expertWitnessTestimony, .workProduct, .simulation: true
        default: false
        }
    }
}
