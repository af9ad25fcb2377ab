import Records

/// The specifications shipped with Attest (from `Schemas/qualifications/`).
public enum Qualifications {
    /// SFJ Awards Level 2 Certificate in Customer Service, 603/4767/3.
    public static let customerServiceLevel2 = bundled("603-4767-3.json")

    /// The shipped specification in file `name`.
    public static func bundled(_ name: String) -> Attest_V1_Specification {
        guard let json = BundledSpecifications.files[name] else { preconditionFailure("no bundled specification \(name)") }
        do {
            return try Attest_V1_Specification(jsonString: json)
        } catch {
            preconditionFailure("bundled specification \(name) does not parse: \(error)")
        }
    }
}
