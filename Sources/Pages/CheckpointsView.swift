import AttestKit

/// The checkpoints page, the EQA's: every signed checkpoint, newest first, with its size,
/// root, cosignatures and proofs, and for an administrator the form that signs another.
public struct CheckpointsView: Sendable {
    let logSize: UInt64
    let hasCheckpoints: Bool
    let checkpoints: [Row]
    let mayCreate: Bool
    let csrf: String
    let notice: String?
    let error: String?

    /// A checkpoint as the store lists it, with its cosigners in words and how it stands
    /// to the log and to the latest checkpoint.
    struct Row: Sendable {
        let listing: CheckpointListing
        let witnessed: Bool
        let witnesses: String
        let behind: UInt64?
        /// The proof that this checkpoint's log is a prefix of the latest one's.
        let consistency: String?

        init(_ listing: CheckpointListing, latest: UInt64?, logSize: UInt64) {
            self.listing = listing
            witnessed = !listing.cosignedBy.isEmpty
            witnesses = listing.cosignedBy.sorted { $0.naturallyPrecedes($1) }.joined(separator: ", ")
            behind = logSize > listing.size ? logSize - listing.size : nil
            consistency = latest.flatMap { $0 > listing.size ? "/v1/proofs/consistency?from=\(listing.size)&to=\($0)" : nil }
        }
    }

    /// - Parameters:
    ///   - mayCreate: whether the staff member signs checkpoints (an administrator).
    ///   - notice: what the last change did; `error`: why it was refused.
    public init(checkpoints: [CheckpointListing], logSize: UInt64, mayCreate: Bool, csrf: String, notice: String? = nil, error: String? = nil) {
        self.logSize = logSize
        let latest = checkpoints.last?.size
        self.checkpoints = checkpoints.reversed().map { Row($0, latest: latest, logSize: logSize) }
        hasCheckpoints = !checkpoints.isEmpty
        self.mayCreate = mayCreate
        self.csrf = csrf
        self.notice = notice
        self.error = error
    }
}
