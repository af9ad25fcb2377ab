import Foundation

/// A self-contained, printable HTML page: inline styles, no scripts, no external files.
struct HTMLPage {
    let title: String
    var body: [String] = []

    mutating func heading(_ text: String) { body.append("<h2>\(escape(text))</h2>") }

    mutating func paragraph(_ text: String) { body.append("<p>\(escape(text))</p>") }

    mutating func list(_ items: [String]) { body.append("<ul>" + items.map { "<li>\(escape($0))</li>" }.joined() + "</ul>") }

    /// A table; numeric cells are right-aligned.
    mutating func table(_ header: [String], _ rows: [[String]]) {
        var html = "<table><thead><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>" + row.map { cell in
                Double(cell.replacingOccurrences(of: "%", with: "")) != nil ? "<td class=n>\(escape(cell))</td>" : "<td>\(escape(cell))</td>"
            }.joined() + "</tr>"
        }
        body.append(html + "</tbody></table>")
    }

    /// A horizontal bar chart of rates from 0 to 1, as inline SVG.
    mutating func barChart(_ bars: [(label: String, rate: Double)]) {
        let rowHeight = 22, labelWidth = 190, barWidth = 360
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(labelWidth + barWidth + 60)" height="\#(rowHeight * bars.count + 10)" role="img">"#
        for (index, bar) in bars.enumerated() {
            let y = index * rowHeight + 5
            let width = Int((min(max(bar.rate, 0), 1) * Double(barWidth)).rounded())
            svg += #"<text x="0" y="\#(y + 15)" font-size="12">\#(escape(bar.label))</text>"#
            svg += ##"<rect x="\##(labelWidth)" y="\##(y + 3)" width="\##(barWidth)" height="14" fill="#eee"/>"##
            svg += ##"<rect x="\##(labelWidth)" y="\##(y + 3)" width="\##(width)" height="14" fill="#3a6ea5"/>"##
            svg += #"<text x="\#(labelWidth + barWidth + 6)" y="\#(y + 15)" font-size="12">\#(String(format: "%.0f%%", bar.rate * 100))</text>"#
        }
        body.append(svg + "</svg>")
    }

    var html: String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
        body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
        table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}
        td.n{text-align:right}th{background:#f3f3f3}h2{margin-top:1.5em}
        @media print{body{margin:0}h2{break-after:avoid}table{break-inside:avoid}}
        </style></head><body>
        <h1>\(escape(title))</h1>
        \(body.joined(separator: "\n"))
        </body></html>
        """
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
