/// A bar chart as inline SVG, with its figures as a table for those who do not see it:
/// `role="img"` with a title and a description naming every bar, and a caption.
public struct Chart: Sendable {
    let svg: String
    let caption: String
    let labelHeading: String
    let valueHeading: String
    let points: [Point]

    struct Point: Sendable {
        let label: String
        let value: String
    }

    /// Vertical columns, one per label (e.g. a month), heights scaled to the largest value.
    static func columns(id: String, caption: String, labelHeading: String, valueHeading: String, _ data: [(label: String, value: Int)]) -> Chart {
        let width = 24, gap = 6, height = 160, top = 18, bottom = 44, left = 36
        let largest = max(data.map(\.value).max() ?? 0, 1)
        var svg = svgOpen(id: id, width: left + data.count * (width + gap) + 10, height: top + height + bottom, caption: caption, data.map { ($0.label, "\($0.value)") })
        svg += axis(x: left, top: top, height: height, largest: "\(largest)")
        for (index, point) in data.enumerated() {
            let x = left + gap + index * (width + gap)
            let barHeight = Int((Double(point.value) / Double(largest) * Double(height)).rounded())
            svg += ##"<rect x="\##(x)" y="\##(top + height - barHeight)" width="\##(width)" height="\##(barHeight)" fill="#2f6db5"/>"##
            if index % max(1, data.count / 12) == 0 {
                svg += ##"<text x="\##(x + width / 2)" y="\##(top + height + 12)" font-size="10" text-anchor="end" transform="rotate(-45 \##(x + width / 2) \##(top + height + 12))">\##(escape(point.label))</text>"##
            }
        }
        return Chart(svg: svg + "</svg>", caption: caption, labelHeading: labelHeading, valueHeading: valueHeading,
                     points: data.map { Point(label: $0.label, value: "\($0.value)") })
    }

    /// Horizontal bars of rates from 0 to 1, each beside its label, with a target line
    /// per bar when `targets` gives one.
    static func rates(id: String, caption: String, labelHeading: String, _ data: [(label: String, rate: Double, target: Double?)]) -> Chart {
        let row = 22, labelWidth = 150, barWidth = 360
        var svg = svgOpen(id: id, width: labelWidth + barWidth + 60, height: row * data.count + 10, caption: caption,
                          data.map { ($0.label, percent($0.rate)) })
        for (index, bar) in data.enumerated() {
            let y = index * row + 5
            let width = Int((min(max(bar.rate, 0), 1) * Double(barWidth)).rounded())
            let below = bar.target.map { bar.rate < $0 } ?? false
            svg += ##"<text x="0" y="\##(y + 14)" font-size="12">\##(escape(bar.label))</text>"##
            svg += ##"<rect x="\##(labelWidth)" y="\##(y + 3)" width="\##(barWidth)" height="14" fill="#e3e7ee"/>"##
            svg += ##"<rect x="\##(labelWidth)" y="\##(y + 3)" width="\##(width)" height="14" fill="\##(below ? "#b3261e" : "#2f6db5")"/>"##
            if let target = bar.target {
                let x = labelWidth + Int((min(max(target, 0), 1) * Double(barWidth)).rounded())
                svg += ##"<line x1="\##(x)" x2="\##(x)" y1="\##(y + 1)" y2="\##(y + 19)" stroke="#1d2430" stroke-width="2"/>"##
            }
            svg += ##"<text x="\##(labelWidth + barWidth + 6)" y="\##(y + 14)" font-size="12">\##(percent(bar.rate))</text>"##
        }
        return Chart(svg: svg + "</svg>", caption: caption, labelHeading: labelHeading, valueHeading: "Rate",
                     points: data.map { Point(label: $0.label, value: percent($0.rate)) })
    }

    private static func svgOpen(id: String, width: Int, height: Int, caption: String, _ values: [(String, String)]) -> String {
        let description = values.map { "\($0.0): \($0.1)" }.joined(separator: "; ")
        return ##"<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="\##(width)" height="\##(height)" viewBox="0 0 \##(width) \##(height)" role="img" aria-labelledby="\##(id)-title \##(id)-desc">"##
            + ##"<title id="\##(id)-title">\##(escape(caption))</title><desc id="\##(id)-desc">\##(escape(description))</desc>"##
    }

    private static func axis(x: Int, top: Int, height: Int, largest: String) -> String {
        ##"<line x1="\##(x)" x2="\##(x)" y1="\##(top)" y2="\##(top + height)" stroke="#4a5568"/>"##
            + ##"<text x="\##(x - 4)" y="\##(top + 4)" font-size="10" text-anchor="end">\##(largest)</text>"##
            + ##"<text x="\##(x - 4)" y="\##(top + height)" font-size="10" text-anchor="end">0</text>"##
    }

    /// A rate as a whole percentage, e.g. `12%`.
    static func percent(_ rate: Double) -> String { "\(Int((rate * 100).rounded()))%" }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
