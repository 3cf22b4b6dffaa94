// Block sums: the sum of each `cell` x `cell` block of a plane, for analysers that work on a coarse
// grid (fire). The caller gives the grid, `columns` x `rows` cells from the top-left corner, which
// must fit in the plane (at most floor(w / cell) x floor(h / cell)); a partial strip at the right or
// bottom edge is left out. With `rowStep` 2 only the even rows of each cell are summed (half the
// memory read; the caller scales). `cell` is at most 16, so a column sum of `cell` bytes fits in UInt16.

/// Reference: readable maths. `sums` holds `columns * rows` values, row-major.
package func cellSumsReference(_ source: ImageView, cell: Int, columns: Int, rows: Int, rowStep: Int = 1,
                               into sums: UnsafeMutableBufferPointer<UInt32>) {
    checkCellSums(source, cell: cell, columns: columns, rows: rows, rowStep: rowStep, sums: sums)
    for r in 0..<rows {
        for c in 0..<columns {
            var s: UInt32 = 0
            for y in stride(from: r * cell, to: r * cell + cell, by: rowStep) {
                for x in (c * cell)..<(c * cell + cell) { s += UInt32(source[x, y]) }
            }
            sums[r * columns + c] = s
        }
    }
}

/// Fast: per row of cells, the `cell` source rows are added into a UInt16 row (contiguous,
/// vectorised: `punpcklbw`/`paddw`), then each run of `cell` column sums is added into its cell.
package func cellSums(_ source: ImageView, cell: Int, columns: Int, rows: Int, rowStep: Int = 1,
                      into sums: UnsafeMutableBufferPointer<UInt32>) {
    checkCellSums(source, cell: cell, columns: columns, rows: rows, rowStep: rowStep, sums: sums)
    let span = columns * cell
    guard span > 0 else { return }
    withUnsafeTemporaryAllocation(of: UInt16.self, capacity: span) { buffer in
        let acc = buffer.baseAddress!
        for r in 0..<rows {
            let first = source.row(r * cell)
            for x in 0..<span { acc[x] = UInt16(first[x]) }
            for dy in stride(from: rowStep, to: cell, by: rowStep) {
                let row = source.row(r * cell + dy)
                for x in 0..<span { acc[x] = acc[x] &+ UInt16(row[x]) }
            }
            let out = sums.baseAddress! + r * columns
            // The common sizes with a constant trip count (unrolled); any other with a loop.
            switch cell {
            case 2: addRuns(acc, out, columns, 2)
            case 3: addRuns(acc, out, columns, 3)
            case 4: addRuns(acc, out, columns, 4)
            case 6: addRuns(acc, out, columns, 6)
            case 8: addRuns(acc, out, columns, 8)
            default: addRuns(acc, out, columns, cell)
            }
        }
    }
}

/// `out[c]` = the sum of `acc[c * cell ..< (c + 1) * cell]`; inlined so a literal `cell` unrolls.
@inline(__always)
private func addRuns(_ acc: UnsafeMutablePointer<UInt16>, _ out: UnsafeMutablePointer<UInt32>, _ columns: Int, _ cell: Int) {
    var x = 0
    for c in 0..<columns {
        var s: UInt32 = 0
        for k in 0..<cell { s &+= UInt32(acc[x + k]) }
        out[c] = s
        x += cell
    }
}

/// The arguments both versions require.
private func checkCellSums(_ source: ImageView, cell: Int, columns: Int, rows: Int, rowStep: Int,
                           sums: UnsafeMutableBufferPointer<UInt32>) {
    precondition(rowStep >= 1 && rowStep <= cell, "cellSums: row step \(rowStep) not in 1…\(cell)")
    precondition(cell >= 1 && cell <= 16, "cellSums: cell \(cell) not in 1…16")
    precondition(columns * cell <= source.width && rows * cell <= source.height,
                 "cellSums: \(columns)x\(rows) cells of \(cell) px do not fit \(source.width)x\(source.height)")
    precondition(sums.count >= columns * rows, "cellSums: \(sums.count) sums for \(columns)x\(rows) cells")
}
