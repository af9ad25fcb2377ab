import Foundation
import Privacy

/// Which learners' data keys an export discloses, and to whom: an EQA's recipient key.
public struct Disclosure: Sendable {
    public var learners: [String]
    public var recipient: EQARecipient

    public init(learners: [String], to recipient: EQARecipient) {
        self.learners = learners
        self.recipient = recipient
    }
}

/// A bundle's `disclosed` file: the line `to RECIPIENT`, then one `DisclosedKey` line per
/// learner disclosed, in the order asked. Without it a bundle opens no personal field.
public struct BundleDisclosure: Sendable, Equatable {
    public let recipient: EQARecipient
    public let keys: [DisclosedKey]

    /// The data keys of `disclosure`'s learners, read from the key store of the store at
    /// `store` and sealed to its recipient for the bundle whose checkpoint root is `root`.
    /// - Throws: `BundleError` naming a learner whose key the store does not hold.
    init(_ disclosure: Disclosure, store: String, root: some DataProtocol) throws {
        let learners = disclosure.learners.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let held = try LearnerKeys(store: store).keys(of: learners)
        recipient = disclosure.recipient
        keys = try learners.map { learner in
            guard let key = held[learner] else {
                throw BundleError("learner \(learner) has no data key in this store (erased, or never registered): nothing of theirs can be disclosed")
            }
            return try DisclosedKey(key, learner: learner, root: root, to: disclosure.recipient)
        }
    }

    /// The file's text.
    var text: String { (["to \(recipient)"] + keys.map(\.line)).map { $0 + "\n" }.joined() }

    /// Reads the file's text. - Throws: `BundleError`.
    init(text: String) throws {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first, first.hasPrefix("to ") else {
            throw BundleError(file: BundleFile.disclosed, "it starts with 'to RECIPIENT', the EQA's key the learners' keys are sealed to")
        }
        do {
            recipient = try EQARecipient(text: String(first.dropFirst(3)))
            var seen: Set<Substring> = []
            keys = try lines.dropFirst().enumerated().map { index, line in
                guard seen.insert(line.prefix { $0 != " " }).inserted else {
                    throw DisclosureError("line \(index + 2) discloses a learner a second time")
                }
                do { return try DisclosedKey(line: line) } catch let error as DisclosureError {
                    throw DisclosureError("line \(index + 2): \(error)")
                }
            }
        } catch let error as DisclosureError {
            throw BundleError(file: BundleFile.disclosed, error.description)
        }
    }
}
