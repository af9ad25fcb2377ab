import ArgumentParser
import Assessment

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new, empty store.",
        discussion: """
            Creates the directory when it does not exist. Refuses a directory that \
            already holds a store.

            Example:
              attest init centre.store
            """
    )

    @OptionGroup var location: StoreArgument

    func run() throws {
        _ = try CentreStore.create(at: location.store, projections: CentreStore.reports)
        print("created an empty store in \(location.store)")
    }
}
