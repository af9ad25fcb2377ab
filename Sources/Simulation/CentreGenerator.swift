import Foundation
import Records

/// A deterministic, realistic centre as NDJSON lines to append: the administrator,
/// the specification, staff, then each learner's registration, evidence, decisions,
/// sampling, RPL, reasonable adjustments and withdrawals, with standardisation along
/// the way. Every event passes the centre's rules when appended in order to an empty
/// store, and the same (learners, seed) always gives the same bytes.
///
/// Assessors observe, question and hold discussions themselves and assess what they
/// observed; simulations run under the one the IQA reviewed; learners record their own
/// reflective accounts. Competence criteria are assessed by performance methods (all
/// but 2% of their evidence), knowledge criteria by any.
///
/// Proportions: about 60% of learners complete every unit they take, 3% withdraw, 7% have
/// an optional unit by credit transfer and 3% criteria by prior learning, 5% request a
/// reasonable adjustment (most approved); 10% of first decisions leave a criterion not
/// yet met; a quarter of decisions are sampled at interim, a tenth of those disagreed
/// and revised; most completers get an agreed summative sample and most of those a
/// certificate claim; 1% of evidence is withdrawn for malpractice and resubmitted.
public struct CentreGenerator {
    public let learners: Int
    public let seed: UInt64
    let specification: Attest_V1_Specification
    let staff: Staff

    /// The first registration: 2024-09-02T09:00:00Z; learners join over the following year.
    static let start = Date(timeIntervalSince1970: 1_725_267_600)

    public init(learners: Int, seed: UInt64, specification: Attest_V1_Specification) {
        self.learners = learners
        self.seed = seed
        self.specification = specification
        staff = Staff(learners: learners, specification: specification)
    }

    /// Calls `emit` with each line, in order, keeping nothing per learner once it is written.
    /// The centre's reference for the learner generated `index`th (from 0), e.g. `L000042`.
    public static func learner(_ index: Int) -> String { LearnerJourney.reference(index) }

    public func generate(_ emit: (String) throws -> Void) throws {
        try withoutActuallyEscaping(emit) { try write(to: $0) }
    }

    private func write(to emit: @escaping (String) throws -> Void) throws {
        var writer = EventLineWriter(random: SeededRandom(seed: seed), emit: emit)
        var random = SeededRandom(seed: seed ^ 0x5EED_CE17_0000_0001)
        try staff.register(specification, start: Self.start, writer: &writer)
        let day: TimeInterval = 86_400
        for index in 0..<learners {
            let registered = Self.start + day * (1 + 365 * Double(index) / Double(max(learners, 1))) + 3600 * Double(index % 7)
            var learner = LearnerJourney(index: index, registered: registered, staff: staff, specification: specification, random: &random)
            try learner.write(with: &writer, random: &random)
            if index % 50 == 49 {
                try staff.standardise(number: index / 50 + 2, at: registered + 3600, units: learner.units, evidence: learner.recentEvidence, writer: &writer, random: &random)
            }
            if index % 200 == 199 {
                // The EQA's visit: a sample of every fortieth learner registered since the last.
                try writer.write("eqa_sample.requested", Attest_V1_EqaSampleRequested.with {
                    $0.sampleID = "EQA-\(index / 200 + 1)"; $0.externalQualityAssurer = staff.eqa
                    $0.learners = stride(from: index - 199, through: index, by: 40).map(Self.learner)
                }, by: staff.admin, as: "centre_administrator", at: registered + 7200)
            }
        }
    }
}

/// The centre's staff: one administrator, assessors, IQAs, one person who is both, an
/// awarding-organisation officer and an EQA.
struct Staff {
    let admin = "admin-1"
    let officer = "ao-1"
    let eqa = "eqa-1"
    let dual = "assessor-iqa-1"
    /// The simulation the first IQA reviews before any learner starts, for every unit.
    let simulation = "SIM-1"
    /// Assessors (the dual-role person last), with the units each is competent in.
    let assessors: [(id: String, units: Set<String>)]
    let iqas: [String]

    init(learners: Int, specification: Attest_V1_Specification) {
        let all = specification.units.map(\.number)
        let mandatory = Set(specification.rulesOfCombination.mandatoryUnits)
        let optional = all.filter { !mandatory.contains($0) }
        let count = max(3, learners / 25)
        var assessors: [(String, Set<String>)] = (0..<count).map { i in
            // Every assessor covers the mandatory units and about half of the optional
            // ones, staggered so that each optional unit has several assessors.
            let covered = optional.enumerated().filter { ($0.offset + i) % 2 == 0 }.map(\.element)
            return ("assessor-\(i + 1)", mandatory.union(covered))
        }
        assessors.append((dual, Set(all)))
        self.assessors = assessors
        iqas = (0..<max(2, count / 4)).map { "iqa-\($0 + 1)" } + [dual]
    }

    /// The assessor to judge `unit` for a learner assigned `preferred`, and someone else to record the evidence.
    func judge(for unit: String, preferred: Int, avoiding: String? = nil) -> (judge: String, submitter: String) {
        let n = assessors.count
        let offset = (0..<n).first { k in
            let candidate = assessors[(preferred + k) % n]
            return candidate.units.contains(unit) && candidate.id != avoiding
        } ?? 0
        let judge = (preferred + offset) % n
        return (assessors[judge].id, assessors[(judge + 1) % n].id)
    }

    /// An IQA other than `assessor`, starting from the learner's.
    func sampler(preferred: Int, avoiding assessor: String) -> String {
        let first = iqas[preferred % iqas.count]
        return first != assessor ? first : iqas[(preferred + 1) % iqas.count]
    }

    func register(_ specification: Attest_V1_Specification, start: Date, writer: inout EventLineWriter) throws {
        let begin = start - 30 * 86_400
        try writer.write("staff.registered", Attest_V1_StaffRegistered.with {
            $0.staffID = admin; $0.roles = [.centreAdministrator]
        }, by: admin, as: "centre_administrator", at: begin)
        try writer.write("specification.imported", Attest_V1_SpecificationImported.with {
            $0.version = 1; $0.specification = specification
        }, by: admin, as: "centre_administrator", at: begin + 600)
        var minute: TimeInterval = 20
        func register(_ payload: Attest_V1_StaffRegistered) throws {
            minute += 1
            try writer.write("staff.registered", payload, by: admin, as: "centre_administrator", at: begin + minute * 60)
        }
        for (index, assessor) in assessors.enumerated() where assessor.id != dual {
            try register(.with {
                $0.staffID = assessor.id; $0.roles = [.assessor]; $0.competentUnits = assessor.units.sorted()
                $0.status = index % 7 == 6 ? .workingTowards : .qualified
            })
        }
        let all = specification.units.map(\.number)
        for iqa in iqas where iqa != dual {
            try register(.with { $0.staffID = iqa; $0.roles = [.internalQualityAssurer]; $0.competentUnits = all; $0.status = .qualified })
        }
        try register(.with { $0.staffID = dual; $0.roles = [.assessor, .internalQualityAssurer]; $0.competentUnits = all; $0.status = .qualified })
        try register(.with { $0.staffID = officer; $0.roles = [.awardingOrganisationOfficer] })
        try register(.with { $0.staffID = eqa; $0.roles = [.externalQualityAssurer]; $0.status = .qualified })
        // Everyone assessing or quality assuring meets once before the first learner.
        try writer.write("standardisation.recorded", Attest_V1_StandardisationRecorded.with {
            $0.activityID = "ST-1"; $0.ledBy = iqas[0]
            $0.participants = assessors.map(\.id) + iqas.filter { $0 != dual }
            $0.units = Array(specification.rulesOfCombination.mandatoryUnits)
            $0.agreedOutcome = "Common standard agreed for observation and questioning records."
            $0.actions = ["Use the shared observation template from the first learner on"]
        }, by: iqas[0], as: "internal_quality_assurer", at: start - 86_400)
        try writer.write("simulation.reviewed", Attest_V1_SimulationReviewed.with {
            $0.simulationID = simulation; $0.units = all
            $0.summary = "A scripted busy-counter scenario with a complaint and a change of request, run in the training room"
            $0.fitForPurpose = true
            $0.rationale = "Realistic, unannounced contingencies, documented plan that maps to each unit's criteria"
        }, by: iqas[0], as: "internal_quality_assurer", at: start - 86_400 + 3600)
    }

    /// A standardisation meeting later in the year, on units learners are taking.
    func standardise(number: Int, at date: Date, units: [String], evidence: [String], writer: inout EventLineWriter, random: inout SeededRandom) throws {
        let lead = iqas[number % iqas.count]
        let group = (0..<min(4, assessors.count)).map { assessors[(number * 3 + $0) % assessors.count].id }
        try writer.write("standardisation.recorded", Attest_V1_StandardisationRecorded.with {
            $0.activityID = "ST-\(number)"; $0.ledBy = lead
            $0.participants = Array(Set(group + [lead])).sorted()
            $0.units = Array(units.shuffled(using: &random).prefix(2))
            $0.evidenceReviewed = Array(evidence.suffix(3))
            $0.agreedOutcome = "Judgements on the sampled evidence agreed; feedback wording aligned."
            $0.actions = ["Re-check professional discussion records against the criteria"]
        }, by: lead, as: "internal_quality_assurer", at: date)
    }
}
