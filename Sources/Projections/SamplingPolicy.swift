import Centre
import EventLog
import Foundation
import Records

/// The share of an assessor's decisions the centre's IQAs mean to sample, by the assessor's
/// qualification status, as fractions (0.1 for 10%). Kept in the store's settings as
/// percentages: `sampling-rate-qualified` and `sampling-rate-working-towards`.
public struct SamplingPolicy: Codable, Equatable, Sendable {
    public var qualified: Double
    /// Also asked of an assessor whose registration gave no status.
    public var workingTowards: Double

    public init(qualified: Double, workingTowards: Double) {
        self.qualified = qualified
        self.workingTowards = workingTowards
    }

    /// The policy when the centre set none: every decision of an assessor working towards
    /// their qualification, a tenth of a qualified assessor's.
    public static let standard = SamplingPolicy(qualified: 0.1, workingTowards: 1)

    /// The rate asked of an assessor of `status`.
    public func rate(for status: Attest_V1_QualificationStatus) -> Double {
        status == .qualified ? qualified : workingTowards
    }

    /// The setting that holds the rate for `status`, as the command line names it too.
    public static func setting(for status: Attest_V1_QualificationStatus) -> String {
        status == .qualified ? "sampling-rate-qualified" : "sampling-rate-working-towards"
    }
}

extension CentreStore {
    /// The centre's sampling policy, from its settings (`SamplingPolicy.standard` for a rate not set).
    public func samplingPolicy() throws -> SamplingPolicy {
        func rate(_ status: Attest_V1_QualificationStatus, else standard: Double) throws -> Double {
            let name = SamplingPolicy.setting(for: status)
            guard let text = try log.setting(name) else { return standard }
            guard let percent = Double(text), (0...100).contains(percent) else {
                throw AuditRequestError("the store's \(name) setting is \(Quote.value(text)), not a percentage from 0 to 100")
            }
            return percent / 100
        }
        let standard = SamplingPolicy.standard
        return SamplingPolicy(
            qualified: try rate(.qualified, else: standard.qualified), workingTowards: try rate(.workingTowards, else: standard.workingTowards))
    }

    /// Sets the share of the decisions of assessors of `status` the policy asks to sample,
    /// in percent. - Throws: `AuditRequestError` unless 0 to 100.
    public func setSamplingRate(_ percent: Double, for status: Attest_V1_QualificationStatus) throws {
        guard (0...100).contains(percent) else { throw AuditRequestError("a sampling rate is 0 to 100 percent, not \(percent)") }
        try log.set(SamplingPolicy.setting(for: status), to: String(format: "%g", percent))
    }
}
