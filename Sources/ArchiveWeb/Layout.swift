import Foundation

/// The frame of every page: the search box (search as you type with the script, a plain form
/// without it), a `#results` area, and the page's own content. No inline script or style: the CSP
/// allows only our own files.
enum Layout {
    /// - Parameters:
    ///   - results: what `#results` holds at first (the search page puts its hits there).
    ///   - isSearchPage: typing replaces the page's results (and its URL) rather than opening a list above it.
    static func page(title: String, query: String = "", results: String = "", isSearchPage: Bool = false, body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>\(HTML.escape(title)) · SigmicArchive</title>
        <link rel="icon" href="/static/icon.svg" type="image/svg+xml">
        <link rel="stylesheet" href="/static/app.css">
        <script src="/static/app.js" defer></script>
        </head>
        <body>
        <header class="top">
        <a class="home" href="/">SigmicArchive</a>
        <a class="nav" href="/insights">Insights</a>
        <form action="/search" method="get" role="search">
        <input type="search" id="q" name="q" value="\(HTML.escape(query))" placeholder="Search messages, thoughts, tools, files" autocomplete="off" aria-label="Search">
        </form>
        </header>
        <main>
        <section id="results"\(isSearchPage ? " data-page=\"search\"" : "") aria-live="polite">\(results)</section>
        \(body)
        </main>
        </body>
        </html>

        """
    }

    static func status(_ status: String) -> String {
        "<span class=\"status \(HTML.escape(status))\">\(HTML.escape(status))</span>"
    }

    static func time(_ timestamp: String?) -> String {
        guard let timestamp, !timestamp.isEmpty else { return "" }
        let shown = timestamp.prefix(16).replacingOccurrences(of: "T", with: " ")
        return "<time datetime=\"\(HTML.escape(timestamp))\">\(HTML.escape(shown))</time>"
    }

    static func bytes(_ count: Int64?) -> String {
        guard let count else { return "" }
        let units = ["B", "KiB", "MiB", "GiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(count) B" : String(format: "%.1f", value) + " " + units[unit]
    }
}
