import Assessment
import Centre
import EventLog
import Foundation
import Records

/// The centre's standardisation audit: who assessed what, what was sampled and agreed,
/// and the gaps an external quality assurer looks for. Encoded as JSON with the names
/// documented in docs/reports.md.
public struct Audit: Codable, Equatable, Sendable {
    public var assessors: [Assessor]
    public var iqas: [IQA]
    public var units: [Tally]
    public var methods: [MethodTally]
    public var gaps: Gaps

    public struct Assessor: Codable, Equatable, Sendable {
        public var id: String
        public var decisions: Int
        public var learners: Int
        public var units: [String]
        public var methods: [String]
        public var sampled: Int
        public var sampleRate: Double
        public var agreed: Int
        public var disagreed: Int
        public var lastStandardisation: String?
    }

    public struct IQA: Codable, Equatable, Sendable {
        public var id: String
        /// The samples the IQA recorded, of which `interim` and `summative` of each stage.
        public var samples: Int
        public var interim: Int
        public var summative: Int
        /// The standardisation activities the IQA led.
        public var standardisationsLed: Int
    }

    /// A unit's assessment decisions, and how many of them were sampled.
    public struct Tally: Codable, Equatable, Sendable {
        public var unit: String
        public var decisions: Int
        public var sampled: Int
    }

    /// The criterion decisions confirmed by a method (e.g. `observation`), and how many
    /// of them were sampled.
    public struct MethodTally: Codable, Equatable, Sendable {
        public var method: String
        public var decisions: Int
        public var sampled: Int
    }

    public struct Gaps: Codable, Equatable, Sendable {
        public var assessorsNeverSampled: [String]
        public var unitsNeverSampled: [String]
        public var methodsNeverSampled: [String]
        /// Assessors with no standardisation in the `months` before the audit's date.
        public var assessorsNotStandardised: [String]
        public var learnersAchievedWithoutSummativeSample: [String]
        /// Competence criteria met by assessment with no performance evidence behind them.
        public var competenceWithoutPerformanceEvidence: [CompetenceGap]
    }

    /// A competence criterion a learner was judged to meet only by methods that do not
    /// show them performing (questioning, discussion, a test, a reflective account).
    public struct CompetenceGap: Codable, Equatable, Sendable {
        public var learner: String
        public var unit: String
        public var criterion: String
        /// The methods of the decisions that met it.
        public var methods: [String]
    }
}

extension CentreStore {
    /// The projections Attest keeps.
    public static let reports: [any Projection] = [TranscriptProjection(), AuditProjection()]

    /// The audit as the store holds it now (or at `point`, replayed); `months` sets how
    /// recent standardisation must be, counted back from `date`.
    public func audit(months: Int = 12, on date: Date = Date(), asOf point: AsOf? = nil) throws -> Audit {
        try read(asOf: point) { try Audit(snapshot: $0, months: months, on: date) }
    }
}

extension Audit {
    /// How far back an audit may look for standardisation: 1 month to 100 years.
    public static let standardisationMonths = 1...1200

    /// The audit `snapshot` holds. With `gapsFromRecords`, the learners' gaps are worked out
    /// afresh from every learner's record, for a report an earlier version of the code
    /// built, which keeps none.
    init(snapshot: ProjectionSnapshot, months: Int, on date: Date, gapsFromRecords: Bool = false) throws {
        try Self.checkStandardisation(months: months)
        let audit = AuditProjection().name
        let assessors = try snapshot.messages(of: audit, in: AuditKeys.assessors).map(\.message).naturallySorted(by: \.staffID)
        let iqas = try snapshot.messages(of: audit, in: AuditKeys.iqas).map(\.message).naturallySorted(by: \.staffID)
        let units = try snapshot.messages(of: audit, in: AuditKeys.units).map(\.message).naturallySorted(by: \.name)
        let methods = try snapshot.messages(of: audit, in: AuditKeys.methods).map(\.message).naturallySorted(by: \.name)
        let cutoff = Self.standardisationCutoff(months: months, before: date, in: snapshot.timeZone)

        var withoutSummative: [String] = []
        var competenceGaps: [CompetenceGap] = []
        for (learner, gaps) in try Attest_V1_LearnerGaps.all(in: snapshot, fromRecords: gapsFromRecords).naturallySorted(by: \.learner) {
            if gaps.achievedWithoutSummativeSample { withoutSummative.append(learner) }
            competenceGaps += gaps.competenceGaps(of: learner)
        }

        self.init(
            assessors: assessors.map {
                Assessor(
                    id: $0.staffID, decisions: Int($0.decisions), learners: Int($0.learners) + $0.listedLearners.count, units: $0.units.naturallySorted(),
                    methods: $0.methods.naturallySorted(), sampled: Int($0.sampled), sampleRate: Self.rate(sampled: $0.sampled, of: $0.decisions),
                    agreed: Int($0.agreed), disagreed: Int($0.disagreed), lastStandardisation: $0.lastStandardisation)
            },
            iqas: iqas.map {
                IQA(id: $0.staffID, samples: Int($0.samples), interim: Int($0.interim), summative: Int($0.summative),
                    standardisationsLed: Int($0.standardisationsLed))
            },
            units: units.map { Tally(unit: $0.name, decisions: Int($0.decisions), sampled: Int($0.sampled)) },
            methods: methods.map { MethodTally(method: $0.name, decisions: Int($0.decisions), sampled: Int($0.sampled)) },
            gaps: Gaps(
                assessorsNeverSampled: assessors.filter { $0.decisions > 0 && $0.sampled == 0 }.map(\.staffID),
                unitsNeverSampled: units.filter { $0.decisions > 0 && $0.sampled == 0 }.map(\.name),
                methodsNeverSampled: methods.filter { $0.decisions > 0 && $0.sampled == 0 }.map(\.name),
                assessorsNotStandardised: assessors.filter { $0.lastStandardisationMicros < cutoff }.map(\.staffID),
                learnersAchievedWithoutSummativeSample: withoutSummative,
                competenceWithoutPerformanceEvidence: competenceGaps))
    }

    /// - Throws: `AuditRequestError` unless `months` is within `standardisationMonths`.
    static func checkStandardisation(months: Int) throws {
        guard standardisationMonths.contains(months) else {
            throw AuditRequestError("months must be from \(standardisationMonths.lowerBound) to \(standardisationMonths.upperBound), not \(months)")
        }
    }

    /// `sampled` ÷ `decisions` to three decimals; 0 for no decisions.
    static func rate(sampled: UInt64, of decisions: UInt64) -> Double {
        decisions == 0 ? 0 : (Double(sampled) / Double(decisions) * 1000).rounded() / 1000
    }

    /// The instant `months` months before `date` on the centre's calendar, in µs since the
    /// epoch: a standardisation before it is too old.
    static func standardisationCutoff(months: Int, before date: Date, in timeZone: TimeZone) -> Int64 {
        let calendar = Calendar.gregorian(in: timeZone)
        return (calendar.date(byAdding: .month, value: -months, to: date) ?? date).microsecondsSinceEpoch
    }
}

extension Attest_V1_AssessorActivity {
    /// The last standardisation attended (RFC 3339), or `nil` for none.
    var lastStandardisation: String? {
        lastStandardisationMicros == 0 ? nil : Transcript.date(lastStandardisationMicros)
    }
}

extension Audit.CompetenceGap {
    /// The learner's competence criteria met by assessment (not credited) where no
    /// decision that met them used a performance method, in specification order.
    ///
    /// Worked out for each learner a batch of events changes, so quick to say there are
    /// none: a decision on performance evidence that names no other method for a criterion
    /// is passed over unless another decision met one of its criteria without performance.
    static func all(in record: Attest_V1_LearnerRecord, _ competence: CompetenceCriteria) -> [Self] {
        // Counting decisions (their evidence stands, no disagreed sample awaits a revision) on units with competence criteria.
        let counting = record.decisions.compactMap { decision -> (decision: Attest_V1_DecisionEntry, criteria: Set<String>)? in
            guard !decision.awaitingRevision, !decision.evidenceWithdrawn, let criteria = competence.byUnit[decision.unit] else { return nil }
            return (decision, criteria)
        }
        // Competence criteria met without performance, by unit and criterion, with the methods that met them.
        var unperformed: [String: [String: [Attest_V1_EvidenceMethod]]] = [:]
        for (decision, criteria) in counting where !(decision.methods.isEmpty && decision.evidenceMethod.isPerformance) {
            for (criterion, met) in decision.outcomes where met && criteria.contains(criterion) {
                let method = decision.methods[criterion] ?? decision.evidenceMethod
                if !method.isPerformance { unperformed[decision.unit, default: [:]][criterion, default: []].append(method) }
            }
        }
        guard !unperformed.isEmpty else { return [] }
        for (decision, _) in counting where unperformed[decision.unit] != nil {
            for (criterion, met) in decision.outcomes where met && (decision.methods[criterion] ?? decision.evidenceMethod).isPerformance {
                unperformed[decision.unit]?[criterion] = nil
            }
        }
        return competence.ordered.compactMap { unit, criterion in
            guard let methods = unperformed[unit]?[criterion],
                  !record.rpl.contains(where: { !$0.revoked && $0.unit == unit && ($0.basis == .creditTransfer || $0.criteria.contains(criterion)) })
            else { return nil }
            var names: [String] = []
            for method in methods where !names.contains(method.name) { names.append(method.name) }
            return Self(learner: record.learnerID, unit: unit, criterion: criterion, methods: names)
        }
    }
}

/// A specification's competence criteria, indexed once for working out many learners' gaps.
struct CompetenceCriteria {
    /// As (unit, criterion), in specification order.
    let ordered: [(unit: String, criterion: String)]
    /// Each unit's competence criteria.
    let byUnit: [String: Set<String>]

    init(_ specification: CompiledSpecification) {
        ordered = specification.competenceCriteria
        byUnit = Dictionary(grouping: ordered, by: \.unit).mapValues { Set($0.map(\.criterion)) }
    }
}

/// An audit asked for with an option it cannot take.
public struct AuditRequestError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
