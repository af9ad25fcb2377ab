import ArgumentParser
import AttestKit
import Foundation

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new, empty store and the centre's signing key.",
        discussion: """
            Creates the directory when it does not exist. Refuses a directory that \
            already holds a store. The centre's Ed25519 signing key is written to \
            STORE/centre.key (mode 0600), beside the LMDB files and never inside them; \
            `attest key STORE` prints its public half for external quality assurers.

            The centre's time zone is kept with the store: the rules and reports count \
            days (a learner's age, --as-of dates, the audit's months) on its calendar.

            Example:
              attest init centre.store --centre centre.example/1234 --time-zone Europe/London
            """
    )

    @OptionGroup var location: StoreArgument

    @OptionGroup var centre: CentreOption

    @Option(help: "The centre's time zone, an IANA identifier.")
    var timeZone = EventLog.defaultTimeZone.identifier

    func run() throws {
        guard let zone = TimeZone(identifier: timeZone) else {
            throw ValidationError("--time-zone: \(timeZone) is not a time zone this system knows (an IANA identifier such as Europe/London)")
        }
        let key = try centre.newKey(forStore: location.store)
        _ = try CentreStore.create(at: location.store, timeZone: zone, projections: CentreStore.reports)
        try key.write(to: SigningKey.path(inStore: location.store))
        print("created an empty store in \(location.store), time zone \(zone.identifier)")
        print("signing key for \(key.name) in \(SigningKey.path(inStore: location.store))")
    }
}
