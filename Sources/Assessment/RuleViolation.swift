/// A refusal by the centre's rules: which rule, and the facts that broke it.
public struct RuleViolation: Error, Equatable, CustomStringConvertible {
    /// The rule's name, e.g. `assessor-competence`; docs/events.md lists them.
    public let rule: String
    public let detail: String

    public init(_ rule: String, _ detail: String) {
        self.rule = rule
        self.detail = detail
    }

    public var description: String { "rule \(rule): \(detail)" }
}
