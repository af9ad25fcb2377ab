import AttestKit

/// Opens the centre's store with the reports Attest keeps.
func openStore(_ path: String) throws -> CentreStore {
    try CentreStore(openingAt: path, projections: CentreStore.reports)
}
