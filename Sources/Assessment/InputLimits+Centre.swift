import EventLog

extension InputLimits {
    /// The limits of a centre's input, documented in `docs/events.md` (*Limits*): lines of
    /// up to 1 MiB (a specification fits many times over), nesting 16 deep, references and
    /// codes of up to 128 bytes with no spaces, names and titles of up to 256 bytes, free
    /// text of up to 8 KiB, lists of up to 1,000 items and of up to 200 criteria.
    public static let centre = InputLimits(lineBytes: 1 << 20, depth: 16, nameBytes: 64) { name in
        if let limit = centreFields[name] { return limit }
        // The ids of events, learners, staff, evidence, samples and the rest (`learnerId`, …).
        return name.hasSuffix("id") ? .reference : .text
    }

    /// Fields by `InputLimits.fieldKey` (lower case, no underscores), where not free text.
    private static let centreFields: [String: FieldLimit] = {
        var fields: [String: FieldLimit] = [:]
        for name in [
            "assessor", "internalqualityassurer", "ledby", "participants", "evidencereviewed", "adjustmentsapplied",
            "unit", "units", "competentunits", "mandatoryunits", "qualification", "code", "number", "group", "uln",
            "reference", "sha256", "role", "type", "supersededurns", "urn",
        ] { fields[name] = .reference }
        fields["stream"] = FieldLimit(.identifier, bytes: EventDraft.maxStreamIDLength, name: "a stream")
        fields["criterion"] = .criteria
        // `criteria` is a list of criterion references in an event and of criteria in a specification.
        fields["criteria"] = .criteria
        fields["decisions"] = .criteria
        for name in [
            "title", "witness", "givenname", "familyname", "dateofbirth", "approvedon", "reviewon", "suite", "occupations", "publishedversion",
            "developedby", "awardingorganisation", "occurredat",
        ] { fields[name] = .name }
        fields["mediatype"] = FieldLimit(.identifier, bytes: 255, name: "a media type")
        return fields
    }()
}

extension FieldLimit {
    /// An id, reference or code: up to 128 bytes, no spaces.
    static let reference = FieldLimit(.identifier, bytes: 128, name: "a reference")
    /// A criterion reference, in lists of up to 200 (the criteria one decision may cover).
    static let criteria = FieldLimit(.identifier, bytes: 128, items: 200, name: "a criterion reference")
    /// A name, title or date: up to 256 bytes.
    static let name = FieldLimit(.text, bytes: 256, name: "a name or title")
}
