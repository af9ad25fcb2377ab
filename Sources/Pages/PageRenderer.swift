import Mustache

/// Renders pages with the templates of Sources/Pages/Templates (embedded at build time by
/// `Tools/codegen/embed-files.sh`). Values are HTML-escaped; only the charts' SVG, which
/// `Chart` escapes itself, is inserted as it is.
public struct PageRenderer: Sendable {
    private let library: MustacheLibrary

    public init() {
        var library = MustacheLibrary()
        for (name, text) in PageTemplates.all {
            do { try library.register(text, named: name) } catch {
                preconditionFailure("the embedded template \(name) does not parse: \(error)")
            }
        }
        self.library = library
    }

    /// The page as a complete HTML document.
    public func html(_ page: Page) -> String {
        guard let html = library.render(page, withTemplate: page.template) else {
            preconditionFailure("no template is named \(page.template)")
        }
        return html
    }
}
