import NIOCore

/// Reads the engine's multiplexed raw stream (the non-TTY output of attach and exec): frames of an 8-byte
/// header (stream type 0, 1 or 2, three zero bytes, big-endian UInt32 payload length) and the payload.
/// Keeps the payloads of all streams in arrival order, up to `limit` bytes; later bytes are counted as dropped.
/// Frames may be split anywhere across the chunks handed to `append`.
package struct DockerStreamDemultiplexer {
    package let limit: Int
    /// The payload bytes kept so far, at most `limit`.
    private(set) var kept: [UInt8] = []
    /// Payload bytes were dropped because the limit was reached.
    private(set) var truncated = false
    /// The header read so far, while one is incomplete.
    private var header: [UInt8] = []
    /// Payload bytes of the current frame still to come; 0 means a header comes next.
    private var remaining = 0

    package init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Whether the stream could end here: no frame is half read.
    package var isAtFrameBoundary: Bool { header.isEmpty && remaining == 0 }

    /// The kept output as text (see `decode`).
    package var output: String { Self.decode(kept, truncated: truncated) }

    /// Consumes one chunk of the stream. Throws `.invalidResponse` for a header no engine writes.
    package mutating func append(_ chunk: ByteBuffer) throws {
        var chunk = chunk
        while chunk.readableBytes > 0 {
            if remaining == 0 {
                header += chunk.readBytes(length: min(8 - header.count, chunk.readableBytes)) ?? []
                guard header.count == 8 else { return }
                remaining = try Self.payloadLength(header)
                header.removeAll(keepingCapacity: true)
            } else {
                let take = min(remaining, chunk.readableBytes)
                let room = limit - kept.count
                if take > room { truncated = true }
                kept += chunk.readableBytesView.prefix(min(take, room))
                chunk.moveReaderIndex(forwardBy: take)
                remaining -= take
            }
        }
    }

    package static func payloadLength(_ header: [UInt8]) throws -> Int {
        guard header[0] <= 2, header[1] == 0, header[2] == 0, header[3] == 0 else {
            throw ContainerRuntimeError.invalidResponse(
                "not a multiplexed stream header: \(header.map { String($0, radix: 16) })")
        }
        return header[4...].reduce(0) { ($0 << 8) | Int($1) }
    }

    /// Decodes `bytes` as UTF-8, replacing invalid bytes. When the bytes were cut at the limit, a character the
    /// cut split is dropped rather than shown as a replacement character.
    package static func decode(_ bytes: [UInt8], truncated: Bool) -> String {
        guard truncated else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: bytes[..<completeUTF8Prefix(bytes)], as: UTF8.self)
    }

    /// The length of `bytes` without a trailing, incomplete UTF-8 sequence.
    package static func completeUTF8Prefix(_ bytes: [UInt8]) -> Int {
        // The lead byte of the last sequence is at most 3 bytes back; continuation bytes are 10xxxxxx.
        var start = bytes.count
        while start > max(0, bytes.count - 4) {
            start -= 1
            if bytes[start] & 0xC0 != 0x80 { break }
        }
        guard start < bytes.count else { return bytes.count }
        let lead = bytes[start]
        let needed = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        return bytes.count - start < needed ? start : bytes.count
    }
}
