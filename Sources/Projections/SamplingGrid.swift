import Assessment
import Centre
import EventLog
import Foundation
import Records

/// The IQA sampling grid: a row per assessor, a column per unit, and in each cell the
/// assessor's decisions on the unit and the samples of them; per assessor, their sample
/// rate beside the one the centre's policy asks of their qualification status, and their
/// last standardisation. Encoded as JSON with the names documented in docs/reports.md.
public struct SamplingGrid: Codable, Equatable, Sendable {
    /// The grid's date (RFC 3339): standardisation is counted back from it.
    public var on: String
    public var policy: SamplingPolicy
    /// The columns: every unit an assessor made a decision on, in natural order.
    public var units: [String]
    /// The rows: everyone registered as an assessor, in natural order.
    public var assessors: [Assessor]

    public struct Assessor: Codable, Equatable, Sendable {
        public var id: String
        /// `qualified`, `working_towards`, or `unspecified` when their registration gave none.
        public var status: String
        public var decisions: Int
        /// Decisions sampled at least once.
        public var sampled: Int
        /// `sampled` ÷ `decisions`, three decimals.
        public var sampleRate: Double
        /// The rate the policy asks of their status.
        public var policyRate: Double
        /// Decisions made and a sample rate under the policy's.
        public var belowPolicy: Bool
        /// Decisions made and none sampled.
        public var neverSampled: Bool
        public var lastStandardisation: String?
        /// No standardisation in the `months` before the grid's date.
        public var standardisationGap: Bool
        /// A cell for each unit they made a decision on, in natural order.
        public var cells: [Cell]
    }

    public struct Cell: Codable, Equatable, Sendable {
        public var unit: String
        public var decisions: Int
        /// Decisions sampled at least once.
        public var sampled: Int
        /// Samples of the decisions, by stage: a decision sampled twice counts twice.
        public var interim: Int
        public var summative: Int
        /// Decisions made and none sampled.
        public var neverSampled: Bool
    }
}

extension CentreStore {
    /// The sampling grid as the store holds it now (or at `point`, replayed), against the
    /// centre's sampling policy; `months` sets how recent standardisation must be, counted
    /// back from `date`.
    public func samplingGrid(months: Int = 12, on date: Date = Date(), asOf point: AsOf? = nil) throws -> SamplingGrid {
        let policy = try samplingPolicy()
        return try read(asOf: point) { try SamplingGrid(snapshot: $0, policy: policy, months: months, on: date) }
    }
}

extension SamplingGrid {
    init(snapshot: ProjectionSnapshot, policy: SamplingPolicy, months: Int, on date: Date) throws {
        try Audit.checkStandardisation(months: months)
        let audit = AuditProjection().name
        let assessors = try snapshot.messages(of: audit, in: AuditKeys.assessors).map(\.message)
        let cells = Dictionary(grouping: try snapshot.messages(of: audit, in: AuditKeys.cells).map(\.message), by: \.assessor)
        let cutoff = Audit.standardisationCutoff(months: months, before: date, in: snapshot.timeZone)
        self.init(
            on: Timestamp.format(date), policy: policy,
            units: Set(cells.values.joined().map(\.unit)).naturallySorted(),
            assessors: assessors.naturallySorted(by: \.staffID).map { activity in
                let policyRate = policy.rate(for: activity.status)
                return Assessor(
                    id: activity.staffID, status: activity.status.name, decisions: Int(activity.decisions), sampled: Int(activity.sampled),
                    sampleRate: Audit.rate(sampled: activity.sampled, of: activity.decisions), policyRate: policyRate,
                    belowPolicy: activity.decisions > 0 && Double(activity.sampled) < policyRate * Double(activity.decisions),
                    neverSampled: activity.decisions > 0 && activity.sampled == 0,
                    lastStandardisation: activity.lastStandardisation, standardisationGap: activity.lastStandardisationMicros < cutoff,
                    cells: (cells[activity.staffID] ?? []).naturallySorted(by: \.unit).map {
                        Cell(unit: $0.unit, decisions: Int($0.decisions), sampled: Int($0.sampled), interim: Int($0.interim),
                             summative: Int($0.summative), neverSampled: $0.decisions > 0 && $0.sampled == 0)
                    })
            })
    }
}

extension Attest_V1_QualificationStatus {
    /// `QUALIFIED` → `qualified`, `WORKING_TOWARDS` → `working_towards`.
    var name: String {
        switch self {
        case .qualified: "qualified"
        case .workingTowards: "working_towards"
        case .unspecified, .UNRECOGNIZED: "unspecified"
        }
    }
}
