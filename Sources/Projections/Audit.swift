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

    init(snapshot: ProjectionSnapshot, months: Int, on date: Date) throws {
        guard Self.standardisationMonths.contains(months) else {
            throw AuditRequestError(
                "months must be from \(Self.standardisationMonths.lowerBound) to \(Self.standardisationMonths.upperBound), not \(months)")
        }
        let audit = AuditProjection().name
        let assessors = try snapshot.entries(of: audit, prefix: "assessor/").map { try Attest_V1_AssessorActivity(serializedBytes: $0.value) }
        let iqas = try snapshot.entries(of: audit, prefix: "iqa/").map { try Attest_V1_IqaActivity(serializedBytes: $0.value) }
        let units = try snapshot.entries(of: audit, prefix: "unit/").map { try Attest_V1_Tally(serializedBytes: $0.value) }
        let methods = try snapshot.entries(of: audit, prefix: "method/").map { try Attest_V1_Tally(serializedBytes: $0.value) }
        let calendar = Calendar.gregorian(in: snapshot.timeZone)
        let cutoff = (calendar.date(byAdding: .month, value: -months, to: date) ?? date).microsecondsSinceEpoch

        var withoutSummative: [String] = []
        var competenceGaps: [CompetenceGap] = []
        for (_, value) in try snapshot.entries(of: TranscriptProjection().name, prefix: "learner/") {
            let record = try Attest_V1_LearnerRecord(serializedBytes: value)
            guard let specification = try snapshot.specification(record.qualification, version: record.specificationVersion) else { continue }
            competenceGaps += CompetenceGap.all(in: record, specification)
            guard !record.samples.contains(where: { $0.stage == .summative }),
                  Transcript(record: record, specification: specification).isComplete
            else { continue }
            withoutSummative.append(record.learnerID)
        }

        self.init(
            assessors: assessors.map {
                Assessor(
                    id: $0.staffID, decisions: Int($0.decisions), learners: Int($0.learners) + $0.listedLearners.count, units: $0.units.sorted(),
                    methods: $0.methods.sorted(), sampled: Int($0.sampled),
                    sampleRate: $0.decisions == 0 ? 0 : (Double($0.sampled) / Double($0.decisions) * 1000).rounded() / 1000,
                    agreed: Int($0.agreed), disagreed: Int($0.disagreed),
                    lastStandardisation: $0.lastStandardisationMicros == 0 ? nil : Transcript.date($0.lastStandardisationMicros))
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
}

extension Audit.CompetenceGap {
    /// The learner's competence criteria met by assessment (not credited) where no
    /// decision that met them used a performance method, in specification order.
    static func all(in record: Attest_V1_LearnerRecord, _ specification: CompiledSpecification) -> [Self] {
        let standing = Standing(record)
        return specification.competenceCriteria.compactMap { unit, criterion in
            guard standing.credit(unit, criterion) == nil else { return nil }
            let met = (standing.judgements[unit + " " + criterion] ?? []).filter(\.met)
            let methods = met.map { standing.method(of: $0.decision, for: criterion) }
            guard !methods.isEmpty, !methods.contains(where: \.isPerformance) else { return nil }
            var names: [String] = []
            for method in methods where !names.contains(method.name) { names.append(method.name) }
            return Self(learner: record.learnerID, unit: unit, criterion: criterion, methods: names)
        }
    }
}

/// An audit asked for with an option it cannot take.
public struct AuditRequestError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
