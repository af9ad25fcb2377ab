// The library to embed, in one import: a centre's store and its appends (`CentreStore`,
// `CentreEvent`, typed refusals), the domain's events and rules, staff accounts, the reports, signed
// checkpoints, export bundles and the external quality assurer's replay. `attest` and
// `attest-replay` are built on it alone; docs/embedding.md shows a program using it.
@_exported import Accounts
@_exported import Assessment
@_exported import Bundles
@_exported import Centre
@_exported import Checkpoints
@_exported import EventLog
@_exported import Merkle
@_exported import Privacy
@_exported import Projections
@_exported import Records
@_exported import Replay
// From the storage beneath: what a damaged store is refused with, and how a store is opened.
@_exported import struct LMDB.EnvironmentOptions
@_exported import struct LMDB.StoreDamage
