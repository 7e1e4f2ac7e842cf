#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A host as a URL or an option gives it, judged as an address, never by how its name looks.
public enum HostAddress {
    /// True for an IPv4 address in 127.0.0.0/8, the IPv6 loopback `::1` (bracketed or not, or as
    /// `::ffff:127.x.y.z`), and the name `localhost`. Every other name is not loopback, whatever it
    /// resolves to today: `127.0.0.1.example.invalid` belongs to whoever owns `example.invalid`, so a key
    /// sent there in plain http, or a server listening there without a token, would be exposed.
    public static func isLoopback(_ host: String) -> Bool {
        var bare = host.lowercased()
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = String(bare.dropFirst().dropLast()) }
        if bare == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, bare, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        let isOne = bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
        let isMappedLoopback = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
        return isOne || isMappedLoopback
    }
}
