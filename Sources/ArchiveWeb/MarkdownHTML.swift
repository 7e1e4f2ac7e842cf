import CCmarkGFM
import Foundation
import Glibc

/// Markdown to HTML with cmark-gfm, the CommonMark/GFM renderer GitHub uses, in its safe mode:
/// `javascript:`, `vbscript:`, `file:` and non-image `data:` links are emptied
/// (https://github.com/github/cmark-gfm; `CMARK_OPT_UNSAFE` is never set). Raw HTML in a message is
/// shown as the text it is — a reader should see that an answer held `<script>` — so before rendering,
/// every HTML node of the parsed tree is replaced by a text node with the same characters, which the
/// renderer escapes.
enum MarkdownHTML {
    /// GFM's extensions, registered once per process (cmark-gfm keeps them in a global registry that
    /// is only read after this).
    nonisolated(unsafe) private static let extensions: [OpaquePointer] = {
        cmark_gfm_core_extensions_ensure_registered()
        return ["table", "strikethrough", "autolink", "tasklist", "tagfilter"].compactMap { name in
            name.withCString { cmark_find_syntax_extension($0) }
        }
    }()

    /// cmark-gfm is not safe to use from two threads at once: attaching an inline extension
    /// (strikethrough, autolink) adds its trigger characters to a table shared by every parser, and
    /// freeing a parser takes them out again — so a parser freed on one thread turned `~~x~~` and bare
    /// URLs back into plain text in another thread's page (seen as a failed test under load). One
    /// render at a time, then.
    private static let lock = NSLock()

    static func render(_ markdown: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        return renderAlone(markdown)
    }

    private static func renderAlone(_ markdown: String) -> String {
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
        showRawHTMLAsText(document)
        guard let rendered = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    /// Turns each HTML block into a paragraph of text and each inline HTML span into text. The nodes are
    /// collected first: the tree is not changed while it is walked.
    private static func showRawHTMLAsText(_ document: OpaquePointer) {
        var found: [OpaquePointer] = []
        guard let iterator = cmark_iter_new(document) else { return }
        while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE { found.append(node) }
        }
        cmark_iter_free(iterator)
        for node in found {
            let literal = cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
            guard let text = cmark_node_new(CMARK_NODE_TEXT) else { continue }
            cmark_node_set_literal(text, literal.hasSuffix("\n") ? String(literal.dropLast()) : literal)
            var replacement = text
            if cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK, let paragraph = cmark_node_new(CMARK_NODE_PARAGRAPH) {
                cmark_node_append_child(paragraph, text)
                replacement = paragraph
            }
            cmark_node_insert_before(node, replacement)
            cmark_node_free(node)
        }
    }
}
