import Foundation
import Records

/// One learner's path through the qualification, written as events in date order.
struct LearnerJourney {
    let index: Int
    let id: String
    let staff: Staff
    let specification: Attest_V1_Specification
    /// Mandatory units, then optional ones chosen to reach the group minimums.
    let units: [String]
    private(set) var recentEvidence: [String] = []

    private var now: Date
    private var counter = 0
    private var approvedAdjustments: [(id: String, units: [String])] = []

    init(index: Int, registered: Date, staff: Staff, specification: Attest_V1_Specification, random: inout SeededRandom) {
        self.index = index
        id = Self.reference(index)
        self.staff = staff
        self.specification = specification
        now = registered
        let rules = specification.rulesOfCombination
        let mandatory = rules.mandatoryUnits
        let credits = Dictionary(uniqueKeysWithValues: specification.units.map { ($0.number, Int($0.credits)) })
        let needed = Int(rules.totalCredits) - mandatory.reduce(0) { $0 + credits[$1, default: 0] }
        var optional: [String] = []
        for unit in specification.units.map(\.number).filter({ !mandatory.contains($0) }).shuffled(using: &random)
        where optional.reduce(0, { $0 + credits[$1, default: 0] }) < needed {
            optional.append(unit)
        }
        units = mandatory + optional
    }

    /// The centre's pseudonymous reference for learner `index`, e.g. `L000042`.
    static func reference(_ index: Int) -> String {
        let digits = String(index)
        return "L" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// A unique learner number for learner `index`: a step through the 9,000,000,000
    /// ten-digit numbers by a stride prime to it, so no two learners share one.
    static func uln(_ index: Int) -> String {
        String(1_000_000_000 + (index * 7_919_003 + 4_242_424_242) % 9_000_000_000)
    }

    private mutating func next(_ id: String) -> String {
        counter += 1
        return "\(id)-\(self.id)-\(counter)"
    }

    /// Moves the clock on by between `hours` and twice that.
    private mutating func wait(hours: Double, _ random: inout SeededRandom) {
        now += 3600 * hours * Double.random(in: 1...2, using: &random)
    }

    mutating func write(with writer: inout EventLineWriter, random: inout SeededRandom) throws {
        let admin = staff.admin
        let assessorIndex = index % staff.assessors.count
        let iqa = staff.iqas[index % (staff.iqas.count - 1)]
        let age = Double(Int.random(in: 16...55, using: &random))
        let born = now - 86_400 * (age * 365.25 + Double.random(in: 2...300, using: &random))
        try writer.write("learner.registered", Attest_V1_LearnerRegistered.with {
            $0.learnerID = id; $0.uln = Self.uln(index); $0.qualification = specification.id; $0.specificationVersion = 1
            $0.givenName = LearnerNames.given(index)
            $0.familyName = index % 50 == 7 ? LearnerNames.mistyped(index) : LearnerNames.family(index)
            $0.dateOfBirth = CalendarDay.string(born)
            $0.assessor = staff.assessors[assessorIndex].id; $0.internalQualityAssurer = iqa
        }, by: admin, as: "centre_administrator", at: now)
        // One learner in fifty had their family name mistyped at registration. Chosen by
        // index, not at random, so the rest of the centre is as it was.
        if index % 50 == 7 {
            try writer.write("learner.name_corrected", Attest_V1_LearnerNameCorrected.with {
                $0.learnerID = id; $0.givenName = LearnerNames.given(index); $0.familyName = LearnerNames.family(index)
            }, by: admin, as: "centre_administrator", at: now + 60)
        }

        if random.chance(0.05) { try requestAdjustment(&writer, &random) }

        var remaining = units
        let mandatory = Set(specification.rulesOfCombination.mandatoryUnits)
        var creditedCriteria: [String: Set<String>] = [:]
        if random.chance(0.07), let unit = units.last(where: { !mandatory.contains($0) }) {
            wait(hours: 24, &random)
            let (judge, _) = staff.judge(for: unit, preferred: assessorIndex)
            try writer.write("rpl.credited", Attest_V1_RplCredited.with {
                $0.rplID = next("RPL"); $0.learnerID = id; $0.unit = unit; $0.basis = .creditTransfer
                $0.evidence = "certificate \(10_000 + index) from another awarding organisation"
            }, by: judge, as: "assessor", at: now)
            remaining.removeAll { $0 == unit }
        }
        if random.chance(0.03), let unit = remaining.first {
            let criteria = Array(self.criteria(of: unit).prefix(2))
            wait(hours: 24, &random)
            let (judge, _) = staff.judge(for: unit, preferred: assessorIndex)
            try writer.write("rpl.credited", Attest_V1_RplCredited.with {
                $0.rplID = next("RPL"); $0.learnerID = id; $0.unit = unit; $0.basis = .priorLearning
                $0.criteria = criteria; $0.evidence = "workbook from a previous employer"
            }, by: judge, as: "assessor", at: now)
            creditedCriteria[unit] = Set(criteria)
        }

        let completes = random.chance(0.6)
        let withdraws = !completes && random.chance(0.08)
        let worked = completes ? remaining.count : Int.random(in: 0...remaining.count, using: &random)
        var lastAssessment: (id: String, judge: String)?
        for (position, unit) in remaining.prefix(worked).enumerated() {
            var criteria = self.criteria(of: unit).filter { !(creditedCriteria[unit]?.contains($0) ?? false) }
            if !completes, position == worked - 1 {
                criteria = Array(criteria.prefix(max(1, criteria.count / 2)))
            }
            lastAssessment = try assess(unit: unit, criteria: criteria, assessorIndex: assessorIndex, iqa: iqa, &writer, &random)
        }
        if completes, let last = lastAssessment, random.chance(0.9) {
            wait(hours: 48, &random)
            let sampler = staff.sampler(preferred: index, avoiding: last.judge)
            try writer.write("assessment.sampled", Attest_V1_AssessmentSampled.with {
                $0.sampleID = next("SM"); $0.assessmentID = last.id; $0.stage = .summative; $0.outcome = .agreed
            }, by: sampler, as: "internal_quality_assurer", at: now)
            if random.chance(0.8) {
                wait(hours: 72, &random)
                try writer.write("certificate.claimed", Attest_V1_CertificateClaimed.with { $0.learnerID = id },
                                 by: admin, as: "centre_administrator", at: now)
            }
        }
        if withdraws {
            wait(hours: 72, &random)
            try writer.write("learner.withdrawn", Attest_V1_LearnerWithdrawn.with {
                $0.learnerID = id; $0.reason = "left employment"
            }, by: admin, as: "centre_administrator", at: now)
        }
    }

    /// The criteria of `unit`'s learning outcomes marked competence.
    private func competenceCriteria(of unit: String) -> Set<String> {
        let outcomes = specification.units.first { $0.number == unit }?.learningOutcomes ?? []
        return Set(outcomes.filter { $0.kind == .competence }.flatMap { $0.criteria.map(\.number) })
    }

    private func criteria(of unit: String) -> [String] {
        specification.units.first { $0.number == unit }?.learningOutcomes.flatMap { $0.criteria.map(\.number) } ?? []
    }

    private mutating func requestAdjustment(_ writer: inout EventLineWriter, _ random: inout SeededRandom) throws {
        let adjustment = next("RA")
        let units = random.chance(0.5) ? [] : [units[Int.random(in: 0..<units.count, using: &random)]]
        wait(hours: 24, &random)
        try writer.write("reasonable_adjustment.requested", Attest_V1_ReasonableAdjustmentRequested.with {
            $0.adjustmentID = adjustment; $0.learnerID = id; $0.units = units
            $0.arrangement = ["25% extra time", "a reader for written work", "assessment in British Sign Language"][index % 3]
        }, by: staff.admin, as: "centre_administrator", at: now)
        wait(hours: 48, &random)
        if random.chance(0.8) {
            try writer.write("reasonable_adjustment.approved", Attest_V1_ReasonableAdjustmentApproved.with {
                $0.adjustmentID = adjustment; $0.conditions = "as requested"
            }, by: staff.officer, as: "awarding_organisation_officer", at: now)
            approvedAdjustments.append((adjustment, units))
        } else {
            try writer.write("reasonable_adjustment.rejected", Attest_V1_ReasonableAdjustmentRejected.with {
                $0.adjustmentID = adjustment; $0.reason = "existing arrangements already meet the need"
            }, by: staff.officer, as: "awarding_organisation_officer", at: now)
        }
    }

    /// Evidence and decisions until every one of `criteria` of `unit` is met; returns the last assessment.
    private mutating func assess(
        unit: String, criteria: [String], assessorIndex: Int, iqa: String,
        _ writer: inout EventLineWriter, _ random: inout SeededRandom
    ) throws -> (id: String, judge: String)? {
        var open = criteria
        var last: (id: String, judge: String)?
        let (judge, submitter) = staff.judge(for: unit, preferred: assessorIndex)
        let adjustments = approvedAdjustments.filter { $0.units.isEmpty || $0.units.contains(unit) }.map(\.id)
        let competence = competenceCriteria(of: unit)
        while !open.isEmpty {
            // A piece of evidence covers criteria of one kind, by a method that suits them.
            let isCompetence = competence.contains(open[0])
            let piece = Array(open.prefix(Int.random(in: 2...6, using: &random)).prefix { competence.contains($0) == isCompetence })
            let methods = isCompetence && !random.chance(0.02) ? Self.performanceMethods : Self.methods
            let method = methods[Int.random(in: 0..<methods.count, using: &random)]
            let evidence = next("EV")
            wait(hours: 24, &random)
            let learnerRecords = method == .reflectiveAccount
            try writer.write("evidence.submitted", Attest_V1_EvidenceSubmitted.with {
                $0.evidenceID = evidence; $0.learnerID = id; $0.unit = unit; $0.method = method; $0.criteria = piece
                switch method {
                case .witnessTestimony, .expertWitnessTestimony: $0.witness = "witness-\(index % 97)"
                case .observation, .questioning, .professionalDiscussion: $0.assessor = judge
                case .simulation: $0.assessor = judge; $0.simulationID = staff.simulation
                default: break
                }
                $0.artefact = .with {
                    $0.sha256 = (0..<4).map { _ in String(random.next(), radix: 16).leftPadded(to: 16) }.joined()
                    $0.mediaType = Self.mediaType(method)
                    $0.sizeBytes = UInt64.random(in: 20_000...90_000_000, using: &random)
                }
            }, by: learnerRecords ? id : submitter, as: learnerRecords ? "learner" : "assessor", at: now)
            recentEvidence = Array((recentEvidence + [evidence]).suffix(3))
            if random.chance(0.01) {
                wait(hours: 12, &random)
                try writer.write("evidence.withdrawn", Attest_V1_EvidenceWithdrawn.with {
                    $0.evidenceID = evidence; $0.reason = "malpractice: work not the learner's own"
                }, by: iqa, as: "internal_quality_assurer", at: now)
                continue
            }
            let unmet = random.chance(0.1) ? Set([piece[piece.count - 1]]) : []
            let assessment = next("AS")
            wait(hours: 48, &random)
            try writer.write("evidence.assessed", Attest_V1_EvidenceAssessed.with {
                $0.assessmentID = assessment; $0.evidenceID = evidence
                let confirmed = isCompetence ? nil : Self.confirmation(of: method, criteria: piece)
                $0.decisions = piece.map { c in .with {
                    $0.criterion = c; $0.outcome = unmet.contains(c) ? .notYetMet : .met
                    if let confirmed, confirmed.criterion == c { $0.method = confirmed.method }
                    $0.adjustmentsApplied = adjustments
                } }
                $0.feedback = unmet.isEmpty ? "All criteria shown clearly." : "Further evidence needed for \(unmet.sorted().joined(separator: ", "))."
            }, by: judge, as: "assessor", at: now)
            last = (assessment, judge)
            open.removeAll { piece.contains($0) && !unmet.contains($0) }
            if random.chance(0.25) {
                let sampler = staff.sampler(preferred: index, avoiding: judge)
                let disagreed = random.chance(0.1)
                let sample = next("SM")
                wait(hours: 24, &random)
                try writer.write("assessment.sampled", Attest_V1_AssessmentSampled.with {
                    $0.sampleID = sample; $0.assessmentID = assessment; $0.stage = .interim
                    $0.outcome = disagreed ? .disagreed : .agreed
                    if disagreed {
                        $0.rationale = "The record does not show how \(piece[0]) was met."
                        $0.requiredAction = "Add the missing detail and confirm the decision."
                    }
                }, by: sampler, as: "internal_quality_assurer", at: now)
                if disagreed {
                    wait(hours: 24, &random)
                    try writer.write("decision.revised", Attest_V1_DecisionRevised.with {
                        $0.assessmentID = assessment; $0.sampleID = sample
                        $0.decisions = piece.map { c in .with { $0.criterion = c; $0.outcome = unmet.contains(c) ? .notYetMet : .met } }
                        $0.rationale = "Record completed with the IQA; decision confirmed."
                    }, by: judge, as: "assessor", at: now)
                }
            }
        }
        return last
    }

    /// The criterion of a piece of knowledge evidence an assessor confirms another way, as they
    /// often do: the last of three or more in a work product or reflective account by
    /// questioning, in a witness testimony by professional discussion.
    static func confirmation(of method: Attest_V1_EvidenceMethod, criteria: [String]) -> (criterion: String, method: Attest_V1_EvidenceMethod)? {
        guard criteria.count >= 3, let last = criteria.last else { return nil }
        switch method {
        case .workProduct, .reflectiveAccount: return (last, .questioning)
        case .witnessTestimony: return (last, .professionalDiscussion)
        default: return nil
        }
    }

    /// Methods that show the learner performing, for competence criteria.
    static let performanceMethods: [Attest_V1_EvidenceMethod] = [
        .observation, .observation, .observation, .workProduct, .witnessTestimony, .expertWitnessTestimony, .simulation,
    ]

    static let methods: [Attest_V1_EvidenceMethod] = [
        .observation, .observation, .observation, .workProduct, .workProduct, .professionalDiscussion,
        .questioning, .questioning, .witnessTestimony, .expertWitnessTestimony, .reflectiveAccount,
        .simulation, .writtenOrOnlineTest,
    ]

    static func mediaType(_ method: Attest_V1_EvidenceMethod) -> String {
        switch method {
        case .observation, .simulation: "video/mp4"
        case .professionalDiscussion, .questioning: "audio/mpeg"
        case .workProduct: "image/jpeg"
        default: "application/pdf"
        }
    }
}

/// Dates as `YYYY-MM-DD` in UTC.
enum CalendarDay {
    static func string(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
