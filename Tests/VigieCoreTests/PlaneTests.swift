import Testing
@testable import VigieCore

@Suite("Plane storage")
struct PlaneTests {
    @Test func rowsAreAlignedAndPadded() {
        let plane = Plane(width: 321, height: 3)
        #expect(plane.stride % 64 == 0 && plane.stride >= 321)
        plane.withView { view in #expect(Int(bitPattern: view.base) % 64 == 0) }
    }

    @Test func copyingInitialiserKeepsRowOrder() throws {
        let plane = try Plane(width: 3, height: 2, copying: [1, 2, 3, 4, 5, 6])
        #expect(plane[x: 0, y: 1] == 4 && plane[x: 2, y: 0] == 3)
        #expect(plane.packedPixels == [1, 2, 3, 4, 5, 6])
    }

    @Test func wrongPixelCountIsATypedError() {
        #expect(throws: FrameError.pixelCountMismatch(expected: 6, got: 5)) {
            try Plane(width: 3, height: 2, copying: [1, 2, 3, 4, 5])
        }
    }

    @Test func copyOnWrite() throws {
        let a = try Plane(width: 2, height: 2, copying: [1, 2, 3, 4])
        var b = a
        b[x: 0, y: 0] = 9
        #expect(a[x: 0, y: 0] == 1 && b[x: 0, y: 0] == 9)
    }

    @Test func cropIsAViewUntilWritten() throws {
        let a = try Plane(width: 4, height: 3, copying: Array(0..<12))
        var c = a.cropped(to: PixelRect(x: 1, y: 1, width: 2, height: 2))
        #expect(c.packedPixels == [5, 6, 9, 10])
        c[x: 0, y: 0] = 99
        #expect(a[x: 1, y: 1] == 5 && c[x: 0, y: 0] == 99)
    }

    @Test func downscaleHalvesRoundingUp() throws {
        let plane = try Plane(width: 3, height: 3, copying: [0, 4, 8, 0, 4, 8, 100, 100, 100])
        let half = plane.downscaled2x()
        #expect(half.width == 2 && half.height == 2)
        #expect(half.packedPixels == [2, 8, 100, 100])
    }

    @Test func describesGeometryOnly() throws {
        let plane = try Plane(width: 2, height: 1, copying: [173, 219])
        for text in [String(describing: plane), String(reflecting: plane), dumped(plane)] {
            #expect(text.contains("2") && !text.contains("173") && !text.contains("219"))
        }
    }
}

@Suite("Frame")
struct FrameTests {
    @Test func chromaSizeIsChecked() {
        let y = Plane(width: 5, height: 5)
        #expect(throws: FrameError.self) {
            try Frame(luma: y, cb: Plane(width: 2, height: 3), cr: Plane(width: 3, height: 3))
        }
        #expect((try? Frame(luma: y, cb: Plane(width: 3, height: 3), cr: Plane(width: 3, height: 3))) != nil)
    }

    @Test func cropKeepsChromaAligned() {
        let frame = Frame(width: 10, height: 8, format: .ycbcr420)
        let crop = frame.cropped(to: PixelRect(x: 3, y: 3, width: 4, height: 4))
        #expect(crop.width == 5 && crop.height == 5)  // widened to even origin (2, 2)
        #expect(crop.cb!.width == 3 && crop.cb!.height == 3)
    }

    @Test func describesGeometryAndTimeOnly() {
        let frame = Frame(width: 4, height: 4, format: .ycbcr420, y: 201, cb: 77, cr: 199,
                          timestamp: Timestamp(seconds: 1.5), number: 38)
        for text in [String(describing: frame), String(reflecting: frame), dumped(frame)] {
            #expect(text.contains("4") && !text.contains("201") && !text.contains("77") && !text.contains("199"))
        }
        #expect(String(describing: frame) == "Frame(4x4 YCbCr 4:2:0, #38 at 1.500s)")
    }

    @Test func timestamps() {
        #expect(Timestamp(frameIndex: 25, framesPerSecond: 25).seconds == 1)
        #expect(Timestamp(seconds: 0.04).nanoseconds == 40_000_000)
        #expect(Timestamp(seconds: 2.0105).description == "2.010s" || Timestamp(seconds: 2.0105).description == "2.011s")
    }
}

func dumped(_ value: Any) -> String {
    var text = ""
    dump(value, to: &text)
    return text
}
