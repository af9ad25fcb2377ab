import ArgumentParser
import AttestKit
import Foundation

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the staff accounts and API tokens `attest serve` signs in.",
        discussion: """
            An account belongs to a registered staff member (staff.registered) and signs \
            in with a password; a token lets an e-portfolio call the server as that staff \
            member. Passwords and tokens are kept, hashed, in the store's accounts \
            directory, never in the log; the log records each account and token made, \
            reset, disabled or revoked, by the administrator given as --actor.

            Example:
              attest user add centre.store assessor-7 --actor admin-1
              attest user token centre.store assessor-7 --days 90 --actor admin-1
              attest user list centre.store
            """,
        subcommands: [Add.self, List.self, Disable.self, Reset.self, IssueToken.self, Revoke.self]
    )

    /// Options every account change takes: the store, and who records the change.
    struct Change: ParsableArguments {
        @OptionGroup var location: StoreArgument

        @Option(help: "The staff member recording the change: a centre administrator, or a token's holder.")
        var actor: String

        @Flag(help: "Read the password from the first line of standard input instead of making one.")
        var passwordStdin = false

        var who: Actor {
            var who = Actor()
            who.id = actor
            return who
        }

        func accounts() throws -> StaffAccounts { try StaffAccounts(store: openStore(location.store)) }

        /// The password to set: read from standard input, or made and printed once.
        func password() throws -> (password: String, made: Bool) {
            guard passwordStdin else { return (StaffAccounts.newPassword(), true) }
            guard let line = readLine(strippingNewline: true) else { throw ValidationError("--password-stdin: standard input is empty") }
            return (line, false)
        }

        /// Sets a password through `body` (read, or made and then printed once) and says `done`.
        func settingPassword(_ done: String, _ body: (StaffAccounts, String) throws -> Void) throws {
            let (password, made) = try password()
            try refusing { try body(accounts(), password) }
            print(done)
            if made { print("password (shown once): \(password)") }
        }

        /// Runs `body`, turning a refusal into the words the command prints.
        func refusing(_ body: () throws -> Void) throws {
            do { try body() } catch let refusal as BatchRefusal {
                throw CommandFailure("\(refusal.reason); nothing was changed")
            } catch let error as AccountError {
                throw CommandFailure(error.description)
            }
        }
    }

    /// The options of a change to one staff member's account, and whose it is.
    struct AccountChange: ParsableArguments {
        @OptionGroup var change: Change
        @Argument(help: "The staff member's id.") var staff: String
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open an account for a registered staff member.")
        @OptionGroup var account: AccountChange

        func run() throws {
            try account.change.settingPassword("opened the account of \(account.staff)") { try $0.open(account.staff, password: $1, by: account.change.who) }
        }
    }

    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a new password for an account, enabling it if it was disabled.")
        @OptionGroup var account: AccountChange

        func run() throws {
            try account.change.settingPassword("reset the account of \(account.staff)") { try $0.reset(account.staff, password: $1, by: account.change.who) }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account: no sign-in, no token of it works.")
        @OptionGroup var account: AccountChange

        func run() throws {
            try account.change.refusing { try account.change.accounts().disable(account.staff, by: account.change.who) }
            print("disabled the account of \(account.staff)")
        }
    }

    struct IssueToken: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "token", abstract: "Issue an API token to an account; it is shown once.")
        @OptionGroup var account: AccountChange
        @Option(help: "Days until the token expires.") var days = 90

        func run() throws {
            guard (1...730).contains(days) else { throw ValidationError("--days: a token lasts 1 to 730 days") }
            let expires = Date() + TimeInterval(days) * 86_400
            var token: IssuedToken?
            let (change, staff) = (account.change, account.staff)
            try change.refusing { token = try change.accounts().issueToken(to: staff, expiresAt: expires, by: change.who) }
            print("issued token \(token!.id) to \(staff), expiring \(Timestamp.format(expires))")
            print("token (shown once): \(token!.text)")
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API token by its id.")
        @OptionGroup var change: Change
        @Argument(help: "The token's id (the 12 hex digits after attest_).") var token: String

        func run() throws {
            try change.refusing { try change.accounts().revokeToken(token, by: change.who) }
            print("revoked token \(token)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts and their tokens (no secrets).")
        @OptionGroup var location: StoreArgument

        func run() throws {
            let accounts = try StaffAccounts(store: openStore(location.store)).list()
            for account in accounts {
                print("\(account.staffID)\t\(account.disabled ? "disabled" : "enabled")")
                for token in account.tokens {
                    print("  token \(token.id)\t\(token.revoked ? "revoked" : "expires \(Timestamp.format(token.expiresAt))")")
                }
            }
            if accounts.isEmpty { print("no accounts") }
        }
    }
}
