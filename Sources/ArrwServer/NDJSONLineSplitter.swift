import NIOCore

/// Cuts a byte stream into NDJSON lines as its buffers arrive, never holding more than the line
/// being assembled (at most `maxLineBytes` of it).
///
/// Lines end with `\n`; a `\r` before it is dropped, so `\r\n` works too. A line may span any
/// number of buffers, and the last line needs no newline (`finish` hands it over). Blank lines
/// (only spaces, tabs or `\r`) are skipped but still counted, so `number` is always the line's
/// 1-based position in the whole body. A line longer than `maxLineBytes` (not counting its
/// terminator) is reported as `.tooLong` once its end is seen; its bytes are dropped as they
/// arrive, so it costs no memory.
struct NDJSONLineSplitter {
    /// One non-blank line of the body.
    enum Line: Equatable {
        /// A line within the limit, without its terminator.
        case text(number: Int, bytes: [UInt8])
        /// A line over the limit: only its length (without terminator) is kept.
        case tooLong(number: Int, bytes: Int)

        var number: Int {
            switch self {
            case .text(let number, _), .tooLong(let number, _): number
            }
        }
    }

    let maxLineBytes: Int
    /// The bytes of the current line so far, while it is within the limit (plus one byte for a
    /// possible trailing `\r`).
    private var pending: [UInt8] = []
    /// The length of the current line so far, counting bytes already dropped.
    private var pendingLength = 0
    /// Whether the current line's last byte so far is `\r` (kept even when its bytes are dropped).
    private var endsWithCarriageReturn = false
    /// Lines completed so far, blank ones included.
    private var completedLines = 0

    init(maxLineBytes: Int) {
        precondition(maxLineBytes > 0, "a line limit must be positive")
        self.maxLineBytes = maxLineBytes
    }

    /// The lines that `buffer` completes, in order.
    mutating func lines(in buffer: ByteBuffer) -> [Line] {
        var lines: [Line] = []
        let view = buffer.readableBytesView
        var start = view.startIndex
        while let newline = view[start...].firstIndex(of: UInt8(ascii: "\n")) {
            append(view[start..<newline])
            if let line = endLine() { lines.append(line) }
            start = view.index(after: newline)
        }
        append(view[start...])
        return lines
    }

    /// The last line when the body does not end with a newline; call once the body is over.
    mutating func finish() -> Line? {
        pendingLength == 0 ? nil : endLine()
    }

    private mutating func append(_ bytes: ByteBufferView.SubSequence) {
        guard !bytes.isEmpty else { return }
        pendingLength += bytes.count
        endsWithCarriageReturn = bytes.last == UInt8(ascii: "\r")
        if pendingLength <= maxLineBytes + 1 {
            pending.append(contentsOf: bytes)
        } else if !pending.isEmpty {
            pending.removeAll(keepingCapacity: false)
        }
    }

    private mutating func endLine() -> Line? {
        completedLines += 1
        let length = pendingLength - (endsWithCarriageReturn ? 1 : 0)
        defer {
            pendingLength = 0
            endsWithCarriageReturn = false
            pending.removeAll(keepingCapacity: pending.capacity <= 64 * 1024)
        }
        if length > maxLineBytes { return .tooLong(number: completedLines, bytes: length) }
        let bytes = pending.prefix(length)
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return nil }
        return .text(number: completedLines, bytes: Array(bytes))
    }
}
