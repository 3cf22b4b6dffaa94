/// Input bytes as they may appear in a message: printable ASCII as is, `\` as `\\`, every other
/// byte as `\xNN`, at most `limit` bytes (then `…`). Error messages quote input only through
/// this, so stderr and logs never carry raw input bytes (control characters, terminal escapes).
package func escapedForMessage(_ bytes: some Collection<UInt8>, limit: Int = 32) -> String {
    var out = ""
    for (i, byte) in bytes.enumerated() {
        if i == limit {
            out += "…"
            break
        }
        switch byte {
        case UInt8(ascii: "\\"): out += "\\\\"
        case 0x20...0x7E: out.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            let hex = Array("0123456789ABCDEF")
            out += "\\x\(hex[Int(byte >> 4)])\(hex[Int(byte & 15)])"
        }
    }
    return out
}

/// `text` as it may appear in a message (see `escapedForMessage(_:limit:)`).
package func escapedForMessage(_ text: some StringProtocol, limit: Int = 80) -> String {
    escapedForMessage(Array(text.utf8), limit: limit)
}
