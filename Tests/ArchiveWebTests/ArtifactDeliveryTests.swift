@testable import ArchiveWeb
import Foundation
import Testing

struct ArtifactDeliveryTests {
    @Test(arguments: [
        ("downloads/chart.png", "image/png", "image/png", "inline"),
        ("downloads/photo.JPG", "image/jpeg", "image/jpeg", "inline"),
        // A document type is never sent as itself: HTML, SVG and XML are text here.
        ("downloads/page.html", "text/html", "text/plain; charset=utf-8", "inline"),
        ("downloads/logo.svg", "image/svg+xml", "text/plain; charset=utf-8", "inline"),
        ("downloads/feed.xml", "application/xml", "text/plain; charset=utf-8", "inline"),
        ("downloads/page.png", "text/html", "text/plain; charset=utf-8", "inline"),
        // An image type on a name that is not an image's is not trusted to be one.
        ("downloads/page.html", "image/png", "text/plain; charset=utf-8", "inline"),
        ("downloads/data.csv", nil, "text/plain; charset=utf-8", "inline"),
        ("downloads/tool.exe", "application/x-msdownload", "application/octet-stream", "attachment"),
        ("downloads/noext", nil, "application/octet-stream", "attachment"),
    ] as [(String, String?, String, String)])
    func eachArtifactIsShownAsAnImageOrTextOrDownloaded(path: String, mime: String?, type: String, disposition: String) {
        #expect(ArtifactDelivery.decide(path: path, mimeType: mime) == ArtifactDelivery(contentType: type, disposition: disposition))
    }

    @Test func aFileNameCannotBreakOutOfItsHeader() {
        let header = ArtifactDelivery(contentType: "application/octet-stream", disposition: "attachment")
            .header(fileName: "a\";\r\nSet-Cookie: x=1.bin")
        #expect(!header.contains("\r") && !header.contains("\n") && header.components(separatedBy: "\"").count == 3, "\(header)")
        #expect(header.hasSuffix("filename*=UTF-8''a%22%3B%0D%0ASet-Cookie%3A%20x%3D1.bin"))
    }
}
