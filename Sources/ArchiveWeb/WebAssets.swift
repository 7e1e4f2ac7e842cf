/// The stylesheet and the script, served from the binary itself: pages work offline, need no CDN,
/// and load no code from anywhere but our origin (`script-src 'self'`). The script adds search as you
/// type and the task page's replay player; every page reads without it.
package enum WebAssets {
    package enum Name: String, Sendable {
        case css = "app.css"
        case js = "app.js"
        case icon = "icon.svg"

        var contentType: String {
            switch self {
            case .css: "text/css; charset=utf-8"
            case .js: "text/javascript; charset=utf-8"
            case .icon: "image/svg+xml"
            }
        }

        var body: String {
            switch self {
            case .css: WebAssets.css
            case .js: WebAssets.js
            case .icon: WebAssets.icon
            }
        }
    }

    /// A small archive box, so browsers do not ask for `/favicon.ico`.
    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1" y="2" width="14" height="4" rx="1" fill="#0969da"/>\
        <rect x="2" y="6" width="12" height="8" rx="1" fill="#54aeff"/><rect x="6" y="8" width="4" height="1.5" fill="#fff"/></svg>
        """

    static let css = """
        :root { color-scheme: light dark; --fg: #1b1f24; --bg: #ffffff; --muted: #59636e; --line: #d1d9e0; --card: #f6f8fa;
                --accent: #0969da; --mark: #fff2a8; --user: #ddf4ff; }
        @media (prefers-color-scheme: dark) {
          :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d; --card: #151b23; --accent: #4493f8;
                  --mark: #5a4a00; --user: #0c2d4b; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
        header.top { position: sticky; top: 0; z-index: 1; display: flex; gap: .75rem; align-items: center; flex-wrap: wrap;
                     padding: .5rem 1rem; background: var(--card); border-bottom: 1px solid var(--line); }
        header.top a.home { font-weight: 600; color: var(--fg); text-decoration: none; }
        header.top a.nav { color: var(--fg); }
        header.top form { flex: 1 1 16rem; display: flex; }
        header.top input[type=search] { flex: 1; font: inherit; padding: .35rem .6rem; border: 1px solid var(--line);
                                        border-radius: 6px; background: var(--bg); color: var(--fg); }
        main { max-width: 62rem; margin: 0 auto; padding: 1rem; }
        a { color: var(--accent); }
        h1 { font-size: 1.4rem; margin: .5rem 0 1rem; overflow-wrap: anywhere; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        td.title { overflow-wrap: anywhere; }
        .muted, time { color: var(--muted); font-size: .9em; }
        .status { font-size: .8em; padding: .05rem .45rem; border-radius: 1rem; border: 1px solid var(--line); white-space: nowrap; }
        .status.failed, .status.cancelled { border-color: #cf222e; }
        .status.completed { border-color: #1a7f37; }
        form.filters { display: flex; flex-wrap: wrap; gap: .5rem; margin-bottom: 1rem; align-items: end; }
        form.filters label { display: flex; flex-direction: column; font-size: .85em; color: var(--muted); }
        form.filters input, form.filters select, form.filters button { font: inherit; padding: .25rem .4rem; }
        article.msg { border: 1px solid var(--line); border-radius: 8px; margin: 1rem 0; padding: .5rem 1rem; unicode-bidi: isolate; }
        article.msg.user { background: var(--user); }
        article.msg > header { display: flex; gap: .5rem; align-items: baseline; font-size: .9em; color: var(--muted); }
        article.msg > header a.anchor { margin-left: auto; text-decoration: none; }
        article.msg:target { outline: 2px solid var(--accent); }
        .md { overflow-wrap: anywhere; }
        .md img { max-width: 100%; }
        pre { overflow-x: auto; background: var(--card); padding: .5rem; border-radius: 6px; font-size: .85em; white-space: pre-wrap;
              overflow-wrap: anywhere; }
        code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
        details { margin: .5rem 0; border-left: 3px solid var(--line); padding-left: .75rem; }
        details > summary { cursor: pointer; color: var(--muted); }
        mark { background: var(--mark); color: inherit; }
        ol.hits { list-style: none; padding: 0; }
        ol.hits li { padding: .5rem 0; border-bottom: 1px solid var(--line); }
        ol.hits .where { font-size: .85em; color: var(--muted); }
        ol.hits .snippet { overflow-wrap: anywhere; }
        #results:empty { display: none; }
        #results.live { border: 1px solid var(--line); border-radius: 8px; padding: 0 1rem; margin-bottom: 1rem; }
        nav.pages { display: flex; justify-content: space-between; margin: 1rem 0; }
        dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
        dl.meta dt { color: var(--muted); }
        dl.meta dd { margin: 0; overflow-wrap: anywhere; }
        section.player { border: 1px solid var(--line); border-radius: 8px; padding: .25rem 1rem .5rem; margin: 1rem 0; }
        section.player h2 { font-size: 1.1rem; margin: .25rem 0 .5rem; }
        .player .controls { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; }
        .player .controls button, .player select { font: inherit; padding: .2rem .7rem; }
        .player .track { position: relative; margin: .75rem 0 .25rem; padding-bottom: 1.1rem; }
        .player .track input { width: 100%; margin: 0; }
        .player .marks { position: absolute; left: 0; right: 0; bottom: 0; height: .9rem; }
        .player .mark { position: absolute; width: .6rem; height: .9rem; margin-left: -.3rem; padding: 0; border: 0;
                        border-radius: 2px; background: var(--accent); cursor: pointer; }
        .player .mark:focus-visible { outline: 2px solid var(--fg); outline-offset: 1px; }
        pre.screen { min-height: 6rem; max-height: 24rem; overflow-y: auto; background: #0d1117; color: #e6edf3; }
        .player .keys { font-size: .8em; margin: .25rem 0; }
        figure.insight { margin: 1.5rem 0; }
        figure.insight h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
        .chart-box { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1rem; align-items: start; }
        .chart-box .figures { max-height: 24rem; overflow: auto; font-size: .85em; }
        .chart-box .wide { overflow-x: auto; }
        table.grid td, table.grid th { padding: .1rem .25rem; text-align: right; }
        svg.chart { width: 100%; height: auto; font: 11px system-ui, sans-serif; }
        svg.chart .tick, svg.chart .label { fill: var(--muted); }
        svg.chart .grid { stroke: var(--line); }
        svg.chart .cell { fill: var(--accent); }
        svg.chart .cell.empty { fill: var(--card); fill-opacity: 1; }
        .s-completed { fill: #1a7f37; background: #1a7f37; }
        .s-failed { fill: #cf222e; background: #cf222e; }
        .s-cancelled { fill: #8c959f; background: #8c959f; }
        .s-running { fill: #0969da; background: #0969da; }
        .s-awaiting_approval { fill: #bf8700; background: #bf8700; }
        .s-pending { fill: #a371f7; background: #a371f7; }
        .seg.duration, .seg.calls { fill: #54aeff; }
        .seg.approval { fill: #0550ae; }
        .swatch.calls { background: #54aeff; }
        .swatch.approval { background: #0550ae; }
        ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: .75rem; padding: 0; margin: .25rem 0; font-size: .85em; }
        .swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .3rem; vertical-align: -.1rem; }
        section.figures .columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 1rem; }
        section.figures caption { text-align: left; font-weight: 600; padding: .25rem 0; }
        @media (max-width: 50rem) { .chart-box { grid-template-columns: 1fr; } }
        .notice { padding: 1rem; border: 1px solid var(--line); border-radius: 8px; background: var(--card); }
        @media (max-width: 40rem) { main { padding: .5rem; } th.optional, td.optional { display: none; } }
        """

    /// Search as you type: after a short pause, the results of the box's query replace the page's
    /// `#results` (fetched from `/search/results`, our own escaped HTML, parsed into inert nodes — never
    /// run). Enter still submits the form to `/search`, which is the same page without script.
    static let js = searchJS + "\n" + playerJS

    static let searchJS = """
        "use strict";
        (function () {
          const box = document.getElementById("q");
          const results = document.getElementById("results");
          if (!box || !results) return;
          let timer = null;
          let latest = 0;
          box.addEventListener("input", function () {
            clearTimeout(timer);
            timer = setTimeout(update, 150);
          });
          async function update() {
            const query = box.value.trim();
            const ticket = ++latest;
            if (query === "") {
              if (!results.dataset.page) results.replaceChildren();
              return;
            }
            try {
              const response = await fetch("/search/results?q=" + encodeURIComponent(query), { credentials: "same-origin" });
              const html = await response.text();
              if (ticket !== latest) return;
              const parsed = new DOMParser().parseFromString(html, "text/html");
              results.replaceChildren(...parsed.body.childNodes);
              if (!results.dataset.page) results.classList.add("live");
              if (results.dataset.page) history.replaceState(null, "", "/search?q=" + encodeURIComponent(query));
            } catch (error) {
              console.warn("search failed", error);
            }
          }
        })();
        """
}
