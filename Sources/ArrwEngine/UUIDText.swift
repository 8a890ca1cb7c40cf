import Foundation

extension UUID {
    /// Parses the 36-character text form (`8-4-4-4-12` hexadecimal digits, either case) with a
    /// byte scan; nil for anything else. Foundation's `UUID(uuidString:)` goes through `sscanf`,
    /// which showed in the profile of every library route (and also takes a leading space or a
    /// short last group, which this refuses).
    public init?(text: some StringProtocol) {
        var bytes: (UInt64, UInt64) = (0, 0)
        var count = 0
        var position = 0
        for byte in text.utf8 {
            defer { position += 1 }
            if position == 8 || position == 13 || position == 18 || position == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            if count < 16 { bytes.0 = bytes.0 << 4 | UInt64(digit) } else { bytes.1 = bytes.1 << 4 | UInt64(digit) }
            count += 1
        }
        guard position == 36, count == 32 else { return nil }
        let high = bytes.0.bigEndian, low = bytes.1.bigEndian
        var uuid = UUID().uuid
        withUnsafeMutableBytes(of: &uuid) { raw in
            raw.storeBytes(of: high, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: low, toByteOffset: 8, as: UInt64.self)
        }
        self.init(uuid: uuid)
    }
}
