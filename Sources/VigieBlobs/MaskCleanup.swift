import VigieCore
import VigieKernels

/// Cleans a 0/255 foreground mask, in this order: 3x3 median, opening, closing, hole
/// filling, small-region removal; each step is optional.
///
/// - Median: a pixel is set when at least 5 of its 3x3 neighbourhood are (edge pixels
///   replicated outside the image). Removes salt-and-pepper noise.
/// - Opening (erode, then dilate) with a (2r + 1) x (2r + 1) square, r = `opening` pixels:
///   removes parts thinner than 2r + 1 pixels. Closing (dilate, then erode), r = `closing`:
///   bridges gaps narrower than 2r + 1 pixels. Outside the image does not count, so regions
///   touching the frame edge are not eroded from it.
/// - Hole filling: sets background regions (4-connected) that do not touch the image border.
/// - Small-region removal: clears 8-connected regions of fewer than `minimumRegionArea` pixels.
///
/// The stage allocates its output and scratch buffers at the first mask and reuses them.
/// The returned mask shares storage with the stage's output buffer (copy-on-write): if the
/// caller has let go of the previous result by the next call, that buffer is overwritten in
/// place; if the caller still holds it, the stage allocates a fresh buffer instead, so a
/// returned mask never changes. Every mask must have the size of the first.
public struct MaskCleanup: Stage, Sendable {
    /// Whether the 3x3 median runs first.
    public let median: Bool
    /// Radius in pixels of the opening's square structuring element; 0 skips the opening.
    public let opening: Int
    /// Radius in pixels of the closing's square structuring element; 0 skips the closing.
    public let closing: Int
    /// Whether enclosed background regions are filled.
    public let fillHoles: Bool
    /// Regions with fewer pixels than this are removed; 0 or 1 keeps everything.
    public let minimumRegionArea: Int

    /// Mask size fixed by the first `process` call, in pixels.
    private var size: (width: Int, height: Int)?
    private var output = Plane(width: 1, height: 1)
    /// The mask bit-packed (`BitRows`) between the median and the last step.
    private var packed: [UInt64] = []
    private var scratch = KernelScratch()
    private var labeller = ComponentLabeller()

    /// A cleanup chain; radii and areas in pixels.
    /// - Precondition: `opening`, `closing` and `minimumRegionArea` are not negative.
    public init(median: Bool = true, opening: Int = 0, closing: Int = 0, fillHoles: Bool = false,
                minimumRegionArea: Int = 0) {
        precondition(opening >= 0 && closing >= 0 && minimumRegionArea >= 0,
                     "MaskCleanup: opening \(opening), closing \(closing), minimumRegionArea \(minimumRegionArea)")
        self.median = median
        self.opening = opening
        self.closing = closing
        self.fillHoles = fillHoles
        self.minimumRegionArea = minimumRegionArea
    }

    /// The cleaned mask, the size of `mask`.
    /// - Throws: `FrameError.frameSizeChanged` when `mask` is not the size of the first mask.
    public mutating func process(_ mask: Mask) throws(FrameError) -> Mask {
        if let size {
            guard size == (mask.width, mask.height) else {
                throw .frameSizeChanged(expectedWidth: size.width, expectedHeight: size.height,
                                        width: mask.width, height: mask.height)
            }
        } else {
            size = (mask.width, mask.height)
            output = Plane(width: mask.width, height: mask.height)
            packed = [UInt64](repeating: 0, count: max(1, BitRows.wordsPerRow(width: mask.width) * mask.height))
        }
        if !output.isUniquelyReferenced() { output = Plane(width: mask.width, height: mask.height) }
        let packs = Self.run(mask.plane, median: median, opening: opening, closing: closing, fillHoles: fillHoles,
                             minimumRegionArea: minimumRegionArea, output: &output, packed: &packed, scratch: &scratch,
                             labeller: &labeller)
        // The bits go with the mask: the anonymiser's seed reads them instead of the bytes.
        return packs ? Mask(plane: output, packedBits: packed) : Mask(plane: output)
    }

    /// Returns whether the steps on bits ran (so `packed` holds the mask).
    private static func run(_ input: Plane, median: Bool, opening: Int, closing: Int, fillHoles: Bool,
                            minimumRegionArea: Int, output: inout Plane, packed: inout [UInt64],
                            scratch: inout KernelScratch, labeller: inout ComponentLabeller) -> Bool {
        input.withView { source in
            output.withMutableView { destination in
                if median { median3x3(source, into: destination, scratch: &scratch) }
                else { copyPixels(source, into: destination) }
            }
        }
        guard opening > 0 || closing > 0 || fillHoles || minimumRegionArea > 1 else { return false }
        // The other steps work on the mask's bits, packed once and unpacked once.
        output.withMutableView { mask in
            packed.withUnsafeMutableBufferPointer { memory in
                let bits = BitRows(base: memory.baseAddress!, width: mask.width, height: mask.height)
                packBits(mask.readOnly, into: bits)
                if opening > 0 { openBits(bits, radius: opening, scratch: &scratch) }
                if closing > 0 { closeBits(bits, radius: closing, scratch: &scratch) }
                if fillHoles { VigieKernels.fillHoles(bits: bits, labeller: &labeller) }
                if minimumRegionArea > 1 { removeSmallRegions(bits: bits, minimumArea: minimumRegionArea, labeller: &labeller) }
                unpackBits(bits, into: mask)
            }
        }
        return true
    }
}
