import Testing
@testable import VigieKernels

@Suite("Cell sums kernel")
struct CellSumsTests {
    @Test("fast matches reference", arguments: [(1, 1, 1), (7, 5, 2), (16, 16, 4), (33, 17, 4), (100, 61, 6), (130, 97, 8), (257, 40, 16)],
          [1, 2])
    func fastMatchesReference(size: (width: Int, height: Int, cell: Int), rowStep: Int) {
        let (width, height, cell) = size
        guard rowStep <= cell else { return }
        let image = TestImage(width: width, height: height, seed: UInt64(width * 31 + height))
        let columns = width / cell, rows = height / cell
        var fast = [UInt32](repeating: 7, count: max(columns * rows, 1))
        var reference = fast
        image.read { v in
            fast.withUnsafeMutableBufferPointer {
                cellSums(v, cell: cell, columns: columns, rows: rows, rowStep: rowStep, into: $0)
            }
            reference.withUnsafeMutableBufferPointer {
                cellSumsReference(v, cell: cell, columns: columns, rows: rows, rowStep: rowStep, into: $0)
            }
        }
        #expect(fast == reference)
    }

    @Test("a uniform plane sums to cell area times its value, and a smaller grid leaves the rest alone")
    func uniform() {
        let image = TestImage(width: 24, height: 12, fill: 200)
        var sums = [UInt32](repeating: 0, count: 6 * 3)
        image.read { v in sums.withUnsafeMutableBufferPointer { cellSums(v, cell: 4, columns: 5, rows: 2, into: $0) } }
        #expect(Array(sums[0..<10]) == Array(repeating: 16 * 200, count: 10))
        #expect(sums[10...].allSatisfy { $0 == 0 })
        image.read { v in sums.withUnsafeMutableBufferPointer { cellSums(v, cell: 4, columns: 5, rows: 2, rowStep: 2, into: $0) } }
        #expect(Array(sums[0..<10]) == Array(repeating: 8 * 200, count: 10))
    }
}
