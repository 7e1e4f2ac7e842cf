import CCmarkGFM
import Glibc

/// Markdown to HTML with cmark-gfm, the CommonMark/GFM renderer GitHub uses, in its safe mode: raw
/// HTML is left out (shown as a comment) and `javascript:`, `vbscript:`, `file:` and non-image `data:`
/// links are emptied (https://github.com/github/cmark-gfm, `CMARK_OPT_UNSAFE` is never set). The
/// `tagfilter` extension is on too, as on GitHub.
enum MarkdownHTML {
    /// GFM's extensions, registered once per process (cmark-gfm keeps them in a global registry that
    /// is only read after this).
    nonisolated(unsafe) private static let extensions: [OpaquePointer] = {
        cmark_gfm_core_extensions_ensure_registered()
        return ["table", "strikethrough", "autolink", "tasklist", "tagfilter"].compactMap { name in
            name.withCString { cmark_find_syntax_extension($0) }
        }
    }()

    static func render(_ markdown: String) -> String {
        let options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8
        guard let parser = cmark_parser_new(options) else { return "<pre>" + HTML.escape(markdown) + "</pre>" }
        defer { cmark_parser_free(parser) }
        for syntax in extensions { cmark_parser_attach_syntax_extension(parser, syntax) }
        let text = HTML.withVisibleControls(markdown)
        text.utf8CString.withUnsafeBufferPointer { buffer in
            cmark_parser_feed(parser, buffer.baseAddress, buffer.count - 1)
        }
        guard let document = cmark_parser_finish(parser) else { return "<pre>" + HTML.escape(markdown) + "</pre>" }
        defer { cmark_node_free(document) }
        guard let rendered = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }
}
