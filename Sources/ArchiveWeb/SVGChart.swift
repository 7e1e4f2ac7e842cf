import Foundation

/// Charts as SVG text, drawn on the server: no script, no chart library, nothing the page's CSP
/// would have to allow. Every mark carries `data-label` and `data-value` (the table beside the chart
/// carries the same, so a test can hold the two side by side) and a `<title>` a pointer shows.
/// Colours come from the stylesheet by class. Pure: numbers in, markup out.
enum SVGChart {
    struct Segment {
        var label: String
        var value: Int
        var cssClass: String
        var title: String
    }

    /// Columns of stacked segments, one per group (a period), with the group names under them.
    static func stackedColumns(_ groups: [(name: String, segments: [Segment])], caption: String, width: Int = 720, height: Int = 220) -> String {
        let (left, bottom, top) = (40, 34, 10)
        let plotWidth = Double(width - left - 8), plotHeight = Double(height - bottom - top)
        let most = max(1, groups.map { $0.segments.reduce(0) { $0 + $1.value } }.max() ?? 1)
        let slot = plotWidth / Double(max(1, groups.count))
        let barWidth = max(2, slot * 0.75)
        let every = max(1, Int((Double(groups.count) / 10).rounded(.up)))
        var marks = axis(most: most, left: left, top: top, plotWidth: plotWidth, plotHeight: plotHeight)
        for (index, group) in groups.enumerated() {
            let x = Double(left) + slot * Double(index) + (slot - barWidth) / 2
            var base = Double(top) + plotHeight
            for segment in group.segments where segment.value > 0 {
                let h = plotHeight * Double(segment.value) / Double(most)
                base -= h
                marks += rect(x: x, y: base, width: barWidth, height: h, segment)
            }
            if index % every == 0 {
                marks += "<text class=\"tick\" x=\"\(number(x + barWidth / 2))\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(HTML.escape(group.name))</text>\n"
            }
        }
        return svg(width: width, height: height, caption: caption, marks)
    }

    /// Horizontal bars, one row per item, with its name at the left; a row may hold several segments
    /// side by side from the start (the second drawn over the first, as a share of it).
    static func rows(_ items: [(name: String, segments: [Segment])], caption: String, width: Int = 720) -> String {
        let (left, rowHeight) = (220, 22)
        let height = max(1, items.count) * rowHeight + 8
        let plotWidth = Double(width - left - 60)
        let most = max(1, items.flatMap { $0.segments.map(\.value) }.max() ?? 1)
        var marks = ""
        for (index, item) in items.enumerated() {
            let y = Double(4 + index * rowHeight)
            let name = item.name.count > 34 ? String(item.name.prefix(33)) + "…" : item.name
            marks += "<text class=\"label\" x=\"\(left - 6)\" y=\"\(number(y + 15))\" text-anchor=\"end\">\(HTML.escape(name))</text>\n"
            for segment in item.segments {
                marks += rect(x: Double(left), y: y + 3, width: max(1, plotWidth * Double(segment.value) / Double(most)), height: Double(rowHeight - 6), segment)
            }
            let total = item.segments.first?.value ?? 0
            marks += "<text class=\"tick\" x=\"\(number(Double(left) + plotWidth * Double(total) / Double(most) + 4))\" y=\"\(number(y + 15))\">\(total)</text>\n"
        }
        return svg(width: width, height: height, caption: caption, marks)
    }

    /// A grid of cells (rows × columns), each shaded by its value against the largest.
    static func heatmap(_ values: [[Int]], rowNames: [String], columnNames: [String], caption: String,
                        label: (Int, Int) -> String, title: (Int, Int, Int) -> String) -> String {
        let (left, top, cell) = (40, 20, 26)
        let width = left + cell * (values.first?.count ?? 0) + 4, height = top + cell * values.count + 4
        let peak = max(1, values.flatMap { $0 }.max() ?? 1)
        var marks = ""
        for (column, name) in columnNames.enumerated() where column % 3 == 0 {
            marks += "<text class=\"tick\" x=\"\(left + column * cell + cell / 2)\" y=\"\(top - 6)\" text-anchor=\"middle\">\(HTML.escape(name))</text>\n"
        }
        for (row, cells) in values.enumerated() {
            marks += "<text class=\"label\" x=\"\(left - 6)\" y=\"\(top + row * cell + cell / 2 + 4)\" text-anchor=\"end\">\(HTML.escape(rowNames[row]))</text>\n"
            for (column, value) in cells.enumerated() {
                let shade = value == 0 ? 0 : 0.12 + 0.88 * Double(value) / Double(peak)
                marks += "<rect class=\"cell\(value == 0 ? " empty" : "")\" x=\"\(left + column * cell + 1)\" y=\"\(top + row * cell + 1)\" " +
                    "width=\"\(cell - 2)\" height=\"\(cell - 2)\" fill-opacity=\"\(number(shade))\" data-label=\"\(HTML.escape(label(row, column)))\" " +
                    "data-value=\"\(value)\"><title>\(HTML.escape(title(row, column, value)))</title></rect>\n"
            }
        }
        return svg(width: width, height: height, caption: caption, marks)
    }

    private static func axis(most: Int, left: Int, top: Int, plotWidth: Double, plotHeight: Double) -> String {
        var marks = ""
        for tick in Set([0, most / 2, most]).sorted() {
            let y = Double(top) + plotHeight * (1 - Double(tick) / Double(most))
            marks += "<line class=\"grid\" x1=\"\(left)\" x2=\"\(number(Double(left) + plotWidth))\" y1=\"\(number(y))\" y2=\"\(number(y))\"/>\n"
            marks += "<text class=\"tick\" x=\"\(left - 6)\" y=\"\(number(y + 4))\" text-anchor=\"end\">\(tick)</text>\n"
        }
        return marks
    }

    private static func rect(x: Double, y: Double, width: Double, height: Double, _ segment: Segment) -> String {
        "<rect class=\"\(segment.cssClass)\" x=\"\(number(x))\" y=\"\(number(y))\" width=\"\(number(width))\" height=\"\(number(height))\" " +
            "data-label=\"\(HTML.escape(segment.label))\" data-value=\"\(segment.value)\"><title>\(HTML.escape(segment.title))</title></rect>\n"
    }

    private static func svg(width: Int, height: Int, caption: String, _ marks: String) -> String {
        "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" " +
            "aria-label=\"\(HTML.escape(caption))\" xmlns=\"http://www.w3.org/2000/svg\">\n\(marks)</svg>\n"
    }

    /// A coordinate with at most two decimals.
    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
