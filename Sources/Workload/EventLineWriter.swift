import Records
import SwiftProtobuf

/// The roles as an event's `actor.role` writes them.
enum ActorRole: String {
    case assessor
    case internalQualityAssurer = "internal_quality_assurer"
    case externalQualityAssurer = "external_quality_assurer"
    case centreAdministrator = "centre_administrator"
    case awardingOrganisationOfficer = "awarding_organisation_officer"
}

/// One event waiting to be written: everything but its id, which is drawn when the line
/// is written so that ids follow file order.
struct PendingEvent {
    let occurredAt: Int64
    let type: String
    let actor: String
    let role: ActorRole
    /// The payload's proto3 JSON.
    let payload: String

    init(_ type: String, _ payload: some SwiftProtobuf.Message, by actor: String, as role: ActorRole, at occurredAt: Int64) {
        self.occurredAt = occurredAt
        self.type = type
        self.actor = actor
        self.role = role
        self.payload = proto3JSON(payload)
    }
}

/// The payload's proto3 JSON. The workload's messages hold no `Any` fields, the only thing
/// that can make the encoder fail.
func proto3JSON(_ message: some SwiftProtobuf.Message) -> String {
    do {
        return try message.jsonString()
    } catch {
        preconditionFailure("\(type(of: message)) does not encode as JSON: \(error)")
    }
}

/// Writes events as NDJSON lines for `attest append`: `id`, `type`, `actor`, `occurredAt`
/// and `payload`, with the ids (version 4 UUIDs) drawn from the seed.
struct EventLineWriter {
    private var random: SeededRandom

    init(seed: UInt64) {
        random = SeededRandom(seed: seed, stream: 0x1D5)
    }

    mutating func line(_ event: PendingEvent) -> String {
        "{\"id\":\"\(uuid())\",\"type\":\(quoted(event.type)),\"actor\":{\"id\":\(quoted(event.actor)),\"role\":\"\(event.role.rawValue)\"},\"occurredAt\":\"\(CentreTime.timestamp(event.occurredAt))\",\"payload\":\(event.payload)}"
    }

    /// A random (version 4) UUID from the seed, lowercase.
    private mutating func uuid() -> String {
        let high = (random.next() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let low = (random.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let h = hex(high, digits: 16)
        let l = hex(low, digits: 16)
        return "\(h.prefix(8))-\(h.dropFirst(8).prefix(4))-\(h.dropFirst(12))-\(l.prefix(4))-\(l.dropFirst(4))"
    }
}

/// `text` as a JSON string literal.
func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20: out += "\\u" + hex(UInt64(scalar.value), digits: 4)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
