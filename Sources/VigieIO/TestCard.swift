/// A generated test card: colour bars and a moving square, as a Y4M stream in memory.
/// It stands in for a camera where none is at hand (`vigie info --sample`, tests).
package enum TestCard {
    /// A `C420jpeg` yuv4mpeg2 stream of `frames` frames at 25 fps.
    package static func y4mStream(width: Int, height: Int, frames: Int) -> [UInt8] {
        precondition(width > 0 && height > 0 && frames >= 0, "bad test card \(width)x\(height) x\(frames)")
        var out = Array("YUV4MPEG2 W\(width) H\(height) F25:1 Ip A1:1 C420jpeg\n".utf8)
        let cw = (width + 1) / 2, ch = (height + 1) / 2
        // BT.601 full-range YCbCr of white, yellow, cyan, green, magenta, red, blue, black.
        let bars: [(UInt8, UInt8, UInt8)] = [(235, 128, 128), (210, 16, 146), (170, 166, 16), (145, 54, 34),
                                             (106, 202, 222), (81, 90, 240), (41, 240, 110), (16, 128, 128)]
        for f in 0..<frames {
            out.append(contentsOf: Array("FRAME\n".utf8))
            let side = max(2, height / 6)
            let sx = (f * 7) % max(1, width - side), sy = height / 2 - side / 2
            for y in 0..<height {
                for x in 0..<width {
                    let inSquare = x >= sx && x < sx + side && y >= sy && y < sy + side
                    out.append(inSquare ? 128 : bars[x * bars.count / width].0)
                }
            }
            for plane in 1...2 {
                for y in 0..<ch {
                    for x in 0..<cw {
                        let bar = bars[(2 * x) * bars.count / width]
                        let inSquare = 2 * x >= sx && 2 * x < sx + side && 2 * y >= sy && 2 * y < sy + side
                        out.append(inSquare ? 128 : (plane == 1 ? bar.1 : bar.2))
                    }
                }
            }
        }
        return out
    }
}
