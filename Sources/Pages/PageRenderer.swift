import AttestKit
import Foundation
import Mustache

/// Renders pages with the templates of Sources/Pages/Templates (embedded at build time by
/// `Tools/codegen/embed-files.sh`). Values are HTML-escaped; only the charts' SVG, which
/// `Chart` escapes itself, is inserted as it is.
public struct PageRenderer: Sendable {
    /// The templates, parsed once for the process.
    private static let library = {
        var library = MustacheLibrary()
        for (name, text) in PageTemplates.all {
            do { try library.register(text, named: name) } catch {
                preconditionFailure("the embedded template \(name) does not parse: \(error)")
            }
        }
        return library
    }()

    public init() {}

    /// The page as a complete HTML document.
    public func html(_ page: Page) -> String {
        guard let html = Self.library.render(Self.tree(page), withTemplate: page.template) else {
            preconditionFailure("no template is named \(page.template)")
        }
        return html
    }

    /// `value` as dictionaries and arrays, reflected once: the templates then look each
    /// name up in a dictionary. Left as structures, every lookup reflects its value again,
    /// resolving the type of each field (a grid of 3,000 cells took 0.7 s to render that
    /// way). Optional fields that are `nil` are left out, as a template sees them.
    static func tree(_ value: Any) -> Any {
        switch value {
        case is String, is Bool, is Int, is UInt64, is Double: return value
        case let values as [Any]: return values.map(tree)
        default:
            let mirror = Mirror(reflecting: value)
            switch mirror.displayStyle {
            case .optional: return mirror.children.first.map { tree($0.value) } ?? value
            case .struct, .class:
                var fields: [String: Any] = [:]
                for child in mirror.children {
                    guard let label = child.label else { continue }
                    let field = Mirror(reflecting: child.value)
                    if field.displayStyle == .optional, field.children.isEmpty { continue }
                    fields[label] = tree(child.value)
                }
                return fields
            default: return value
            }
        }
    }
}

extension PageRenderer {
    /// Learner `transcript`'s page on its own, as a file or the API's answer to a client
    /// asking for HTML: with `events`, their records too.
    public func transcript(_ transcript: Transcript, events: [RecordedEvent]?) -> String {
        html(Page(title: "Learner \(transcript.learnerHeading)", chrome: nil, template: "learner",
                  body: LearnerView(transcript: transcript, events: events, proofs: false)))
    }

    /// The audit's page on its own; `months` and `on` as the audit was asked for.
    public func audit(_ audit: Audit, months: Int, on date: Date) -> String {
        html(Page(title: "Standardisation audit", chrome: nil, template: "audit",
                  body: AuditView(audit: audit, months: months, on: String(Timestamp.format(date).prefix(10)))))
    }

    /// The sampling grid's page on its own, every assessor.
    public func samplingGrid(_ grid: SamplingGrid) -> String {
        html(Page(title: "Sampling grid", chrome: nil, template: "sampling", body: GridView(grid: grid, rows: .init(page: 1, perPage: .max))))
    }

    /// The answer to a subject access request as a page.
    public func subjectAccess(_ access: SubjectAccess) -> String {
        html(Page(title: SubjectAccessView.title(access), chrome: nil, template: "subject-access", body: SubjectAccessView(access)))
    }
}
