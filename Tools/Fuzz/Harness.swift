/// A fuzz target: one parser of untrusted input, with the properties every input must keep.
protocol Harness: AnyObject {
    /// Checks one input: returns whether it was accepted or refused, and throws a
    /// `Finding` when the input breaks a property.
    func check(_ input: [UInt8]) throws -> Outcome
}

/// A harness whose seeds hold what it makes itself (a bundle signed with its key, say), so
/// that only it can write them: `attest-fuzz HARNESS --seeds DIRECTORY`, as make-corpus.py runs it.
protocol SeedingHarness: Harness {
    /// The seeds, each with the name of its file.
    var seeds: [(name: String, input: [UInt8])] { get }
}

/// What a parser made of an input that kept every property.
enum Outcome {
    case accepted
    case refused
}

/// An input that broke a property: a bug to report with the input that shows it.
struct Finding: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The harnesses by name, as `attest-fuzz` and `make fuzz` select them.
enum Harnesses {
    static let names = ["event-line", "append", "specification", "checkpoint", "bundle"]

    /// A new harness called `name`, or `nil` when there is none.
    static func make(_ name: String) throws -> (any Harness)? {
        switch name {
        case "event-line": EventLineHarness()
        case "append": try AppendHarness()
        case "specification": try SpecificationHarness()
        case "checkpoint": CheckpointHarness()
        case "bundle": try BundleHarness()
        default: nil
        }
    }

    /// A refusal's error must be `Refusal` and carry a message; any other error is a finding.
    static func refusal<Refusal: Error & CustomStringConvertible>(_ error: any Error, as _: Refusal.Type) throws -> Outcome {
        guard let refusal = error as? Refusal else {
            throw Finding("refused with \(type(of: error)), not \(Refusal.self): \(error)")
        }
        guard !refusal.description.isEmpty else { throw Finding("refused with an empty \(Refusal.self)") }
        return .refused
    }
}
