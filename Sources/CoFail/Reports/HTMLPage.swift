import Foundation

extension Report {
    /// The report as one self-contained web page: inline CSS and SVG, no script, no external
    /// resource. It renders the same items as the table format — fields as label/value lists,
    /// tables, charts — so the page and the terminal can never disagree. The field `lead`
    /// (section key, field key) opens the page as its headline. Readable from phone width up
    /// (CSS only: lists stack, wide tables scroll, charts scale).
    public func html(title: String, lead: (section: String, key: String)? = nil) -> String {
        var body = "<header>\n<h1>\(Report.escapeHTML(title))</h1>\n"
        if let lead, let section = sections.first(where: { $0.key == lead.section }) {
            for case let .field(key, label, value, reason, display) in section.items where key == lead.key {
                let text = Report.fieldText(value, reason: reason, display: display)
                body += "<p class=\"lead\" id=\"\(lead.key)\"><span class=\"label\">\(Report.escapeHTML(label))</span> "
                body += "\(Report.escapeHTML(text))</p>\n"
            }
        }
        body += "</header>\n"
        for s in sections {
            body += "<section id=\"\(Report.escapeHTML(s.key))\">\n<h2>\(Report.escapeHTML(s.title))</h2>\n"
            var open = false
            for item in s.items {
                if case let .field(key, label, value, reason, display) = item {
                    if let lead, lead.section == s.key, lead.key == key {
                        continue
                    }
                    if !open {
                        body += "<dl>\n"
                        open = true
                    }
                    let text = Report.fieldText(value, reason: reason, display: display)
                    body += "<dt>\(Report.escapeHTML(label))</dt><dd>\(Report.escapeHTML(text))</dd>\n"
                    continue
                }
                if open {
                    body += "</dl>\n"
                    open = false
                }
                switch item {
                case let .table(_, title, columns, rows), let .display(title, columns, rows):
                    body += "<div class=\"scroll\"><table>\n<caption>\(Report.escapeHTML(title))</caption>\n<thead><tr>"
                    body +=
                        columns.map { "<th>\(Report.escapeHTML($0.label))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
                    for row in rows {
                        let cells = row.enumerated().map { c, v -> String in
                            let numeric: Bool
                            switch v {
                            case .int, .number: numeric = c > 0
                            default: numeric = false
                            }
                            let cls = numeric ? " class=\"num\"" : ""
                            return "<td\(cls)>\(Report.escapeHTML(Report.human(v)))</td>"
                        }
                        body += "<tr>" + cells.joined() + "</tr>\n"
                    }
                    body += "</tbody>\n</table></div>\n"
                case let .figure(title, svg):
                    body += "<figure>\n\(Report.inlineSVG(svg))<figcaption>\(Report.escapeHTML(title))</figcaption>\n"
                    body += "</figure>\n"
                case .field, .json, .deferredJSON:
                    break
                }
            }
            if open {
                body += "</dl>\n"
            }
            body += "</section>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Report.escapeHTML(title))</title>
            <style>
            \(Report.pageStyle)
            </style>
            </head>
            <body>
            <main>
            \(body)<footer>cofail \(Report.escapeHTML(command)) · report schema \(reportSchemaVersion)</footer>
            </main>
            </body>
            </html>

            """
    }

    static let pageStyle = """
        body { margin: 0; background: #f6f7f9; color: #1c2833; line-height: 1.45;
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
        main { max-width: 1120px; margin: 0 auto; padding: 12px 20px 32px; }
        h1 { font-size: 1.5em; margin: 12px 0 8px; overflow-wrap: anywhere; }
        h2 { font-size: 1.2em; margin: 28px 0 8px; border-bottom: 2px solid #d5d8dc; padding-bottom: 4px; }
        .lead { font-size: 1.3em; font-weight: 600; background: #fff; border-left: 6px solid #1e8449;
          padding: 12px 16px; margin: 8px 0 16px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
        .lead .label { display: block; font-size: .7em; font-weight: 400; color: #566573; }
        dl { display: grid; grid-template-columns: minmax(12em, max-content) 1fr; gap: 3px 18px; margin: 8px 0; }
        dt { color: #566573; }
        dd { margin: 0; overflow-wrap: anywhere; }
        .scroll { overflow-x: auto; margin: 12px 0; }
        table { border-collapse: collapse; background: #fff; font-size: .92em; }
        caption { text-align: left; font-weight: 600; padding: 4px 0; }
        th, td { padding: 4px 10px; border-bottom: 1px solid #e5e8e8; text-align: left; vertical-align: top; }
        th { background: #eaeded; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        figure { margin: 12px 0; background: #fff; }
        figure svg { display: block; width: 100%; max-width: 760px; height: auto; }
        figcaption { color: #566573; font-size: .9em; padding: 4px 8px; }
        footer { margin-top: 32px; color: #808b96; font-size: .85em; }
        @media (max-width: 640px) {
          main { padding: 8px 10px 24px; }
          .lead { font-size: 1.1em; }
          dl { grid-template-columns: 1fr; gap: 0; }
          dd { margin-bottom: 6px; }
          table { font-size: .85em; }
        }
        """

    /// Text for HTML content and attribute values.
    static func escapeHTML(_ t: String) -> String {
        var out = ""
        out.reserveCapacity(t.count)
        for ch in t {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// An SVG document as inline markup: without the XML namespace declaration HTML does not need.
    static func inlineSVG(_ svg: String) -> String {
        svg.replacingOccurrences(of: " xmlns=\"http://www.w3.org/2000/svg\"", with: "")
    }
}
