/// Whether the server still has a task or a file (`remote_state`). Nothing is deleted locally when it
/// goes: it is marked missing and kept.
public enum RemoteState: String, Sendable, Codable, CaseIterable {
    case present
    case missing
}
