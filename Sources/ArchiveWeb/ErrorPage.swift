/// A page that says what went wrong and what to do, with the status it is sent with.
enum ErrorPage {
    static func render(title: String, detail: String) -> String {
        Layout.page(title: title, body: """
            <h1>\(HTML.escape(title))</h1>
            <p class="notice">\(HTML.escape(detail))</p>
            <p><a href="/">All tasks</a></p>
            """)
    }
}
