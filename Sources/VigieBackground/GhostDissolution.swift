import VigieCore
import VigieKernels

/// The edges along the contour of one foreground region, in the frame and in the model's
/// background: what tells a ghost from an object.
///
/// An object's contour is an edge of the frame (the object against the scene); a ghost's — the
/// place where something stood while the model learnt it, and has since gone — is an edge of the
/// background the model learnt, while the frame shows the scene continuing across it.
package struct ContourEdges: Sendable, Equatable {
    /// Contour pixels measured (set pixels with an unset 4-neighbour, away from the image border).
    package var pixels = 0
    /// Sum over them of the frame's gradient.
    package var frame = 0
    /// Sum over them of the background's gradient.
    package var background = 0
}

/// The contour edges of the set pixels of `mask` inside `box`, in the frame's luma `frame` and in
/// the background luma `background` (8.8 fixed point, `frame.width` values a row). Pixels closer
/// than 2 to the image border are left out (an object entering has no contour there).
package func contourEdges(mask: ImageView, frame: ImageView, background: UnsafeBufferPointer<UInt16>,
                          box: PixelRect) -> ContourEdges {
    let w = mask.width, h = mask.height
    precondition(frame.width == w && frame.height == h && background.count >= w * h, "contourEdges: sizes differ")
    var edges = ContourEdges()
    let x0 = max(2, box.x), x1 = min(w - 3, box.x + box.width - 1)
    let y0 = max(2, box.y), y1 = min(h - 3, box.y + box.height - 1)
    guard x0 <= x1, y0 <= y1 else { return edges }
    // The gradient at a pixel: |v(x+2, y) − v(x−2, y)| + |v(x, y+2) − v(x, y−2)|, a step of two
    // pixels each way so that the edge is found although the cleaned mask's contour lies up to a
    // few pixels off it.
    let fs = frame.stride, ms = mask.stride
    for y in y0...y1 {
        let m = mask.row(y), f = frame.row(y), b = background.baseAddress! + y * w
        for x in x0...x1 where m[x] >= 128 {
            guard m[x - 1] < 128 || m[x + 1] < 128 || m[x - ms] < 128 || m[x + ms] < 128 else { continue }
            edges.pixels += 1
            edges.frame += abs(Int(f[x + 2]) - Int(f[x - 2])) + abs(Int(f[x + 2 * fs]) - Int(f[x - 2 * fs]))
            edges.background += abs(Int(b[x + 2] >> 8) - Int(b[x - 2] >> 8)) + abs(Int(b[x + 2 * w] >> 8) - Int(b[x - 2 * w] >> 8))
        }
    }
    return edges
}

/// Reference of `contourEdges`, pixel by pixel through the views' subscripts.
package func contourEdgesReference(mask: ImageView, frame: ImageView, background: [UInt16], box: PixelRect) -> ContourEdges {
    let w = mask.width, h = mask.height
    var edges = ContourEdges()
    func b(_ x: Int, _ y: Int) -> Int { Int(background[y * w + x] >> 8) }
    func f(_ x: Int, _ y: Int) -> Int { Int(frame[x, y]) }
    for y in stride(from: max(2, box.y), to: min(h - 2, box.y + box.height), by: 1) {
        for x in stride(from: max(2, box.x), to: min(w - 2, box.x + box.width), by: 1) where mask[x, y] >= 128 {
            let contour = [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)].contains { mask[$0.0, $0.1] < 128 }
            guard contour else { continue }
            edges.pixels += 1
            edges.frame += abs(f(x + 2, y) - f(x - 2, y)) + abs(f(x, y + 2) - f(x, y - 2))
            edges.background += abs(b(x + 2, y) - b(x - 2, y)) + abs(b(x, y + 2) - b(x, y - 2))
        }
    }
    return edges
}

extension BackgroundModel {
    /// Models that cannot tell ghosts keep every region: false.
    public mutating func dissolveIfGhost(_ box: PixelRect, of mask: Mask, in frame: Frame) -> Bool { false }
}
