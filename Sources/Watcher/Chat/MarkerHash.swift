/// FNV-1a, 64 bits, as 16 lowercase hex digits: the same across runs and platforms (unlike `Hasher`), so a
/// session's marker written into a chat post is found again after a restart.
///
/// The algorithm must never change: posts already in chat carry markers made with it.
package enum MarkerHash {
    package static func hex(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
