/// A name from the records in words: `in_progress` as `in progress`, `witness_testimony`
/// as `witness testimony`.
func words(_ name: String) -> String { name.replacingOccurrences(of: "_", with: " ") }

/// A page as the layout frames it: its title, the signed-in staff member's bar (none on
/// the sign-in page), and what it shows, rendered by its template.
public struct Page: Sendable {
    public let title: String
    let chrome: Chrome?
    let template: String
    let body: any Sendable

    public init(title: String, chrome: Chrome?, template: String, body: any Sendable) {
        self.title = title
        self.chrome = chrome
        self.template = template
        self.body = body
    }
}

/// The pages of the centre's site, as the bar lists them.
public enum Section: String, CaseIterable, Sendable {
    case dashboard, learners, sampling, audit, checkpoints

    public var path: String { self == .dashboard ? "/" : "/" + rawValue }

    var label: String {
        switch self {
        case .dashboard: "Dashboard"
        case .learners: "Learners"
        case .sampling: "Sampling grid"
        case .audit: "Audit"
        case .checkpoints: "Checkpoints"
        }
    }
}

/// The bar of a signed-in staff member: who they are, the sections their roles open, and
/// sign-out (a form carrying the session's CSRF token).
public struct Chrome: Sendable {
    let staffID: String
    let roles: String
    let csrf: String
    let links: [Link]

    struct Link: Sendable {
        let href: String
        let label: String
        let current: Bool
    }

    public init(staffID: String, roles: [String], csrf: String, sections: [Section], current: Section?) {
        self.staffID = staffID
        self.roles = roles.map { $0.replacingOccurrences(of: "_", with: " ") }.joined(separator: ", ")
        self.csrf = csrf
        links = sections.map { Link(href: $0.path, label: $0.label, current: $0 == current) }
    }
}

/// The sign-in form, with why the last attempt failed.
public struct SignInView: Sendable {
    let staffID: String
    let next: String
    let error: String?

    public init(staffID: String = "", next: String = "/", error: String? = nil) {
        self.staffID = staffID
        self.next = next
        self.error = error
    }
}

/// A refusal or failure as a page: the same words as the API's problem details.
public struct ProblemView: Sendable {
    let status: Int
    let detail: String

    public init(status: Int, detail: String) {
        self.status = status
        self.detail = detail
    }
}
