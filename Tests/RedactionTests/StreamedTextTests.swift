import Foundation
import Redaction
import Testing

/// A secret the stream split between content events is found in the joined text and removed from
/// every piece that held part of it; pieces that hold none, or a whole secret of their own, are left to
/// the per-event pass.
@Suite struct StreamedTextTests {
    static let aws = "AKIA" + "Z7Q2PLM4RT8WXY3N"
    let secrets = Redactor(secrets: true)

    func content(_ text: String, partial: Bool = true) -> String {
        let encoded = String(decoding: try! JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed]), as: UTF8.self)
        return #"{"text":\#(encoded.dropFirst().dropLast()),"isPartial":\#(partial)}"#
    }

    func text(_ data: String) throws -> String {
        try #require((try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])?["text"] as? String)
    }

    @Test func aSecretSplitInTwoIsReplacedInTheFirstPieceAndCutFromTheSecond() throws {
        let pieces = [content("deploy with " + Self.aws.prefix(8)), content(Self.aws.dropFirst(8) + " now", partial: false)]
        let (data, found) = StreamedText.redactAcrossPieces(pieces, with: secrets)
        #expect(found.map(\.rule) == [.awsAccessKeyID])
        #expect(found.first?.fingerprint == secrets.findings(in: Self.aws).first?.fingerprint)
        #expect(try text(try #require(data[0])) == "deploy with [REDACTED:aws-access-key-id:\(found[0].fingerprint)]")
        #expect(try text(try #require(data[1])) == " now")
        #expect(try #require(data[1]).hasSuffix(#","isPartial":false}"#), "the rest of the event stays as it was")
    }

    @Test func aPieceWhollyInsideASecretIsEmptiedAndOtherEventsTakeNoPart() throws {
        let pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBk3xQ7Lm2\n-----END EC PRIVATE KEY-----"
        let pieces = [content("key:\n" + pem.prefix(20)), #"{"callId":"c1","toolName":"shell","status":"executing"}"#,
                      content(String(pem.dropFirst(20).prefix(15))), content(pem.dropFirst(35) + "\nthanks")]
        let (data, found) = StreamedText.redactAcrossPieces(pieces, with: secrets)
        #expect(found.map(\.rule) == [.privateKey])
        #expect(data[1] == nil)
        #expect(try text(try #require(data[0])) == "key:\n\(found[0].replacement)")
        #expect(try text(try #require(data[2])) == "")
        #expect(try text(try #require(data[3])) == "\nthanks")
    }

    @Test func aSecretWithinOnePieceIsLeftToThatPiecesOwnRedaction() {
        let pieces = [content("one "), content("key \(Self.aws) here"), content(" two")]
        let (data, found) = StreamedText.redactAcrossPieces(pieces, with: secrets)
        #expect(found.isEmpty && data.allSatisfy { $0 == nil })
    }
}
