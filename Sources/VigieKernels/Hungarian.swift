/// Optimal assignment (the Hungarian algorithm, in its shortest-augmenting-path form with row
/// and column potentials): for a `rows` x `columns` cost matrix, the assignment of rows to
/// columns, each used at most once, that assigns `min(rows, columns)` pairs at the least total
/// cost. O(n² m) for n = min(rows, columns), m = max(rows, columns).
///
/// The work buffers are kept between calls: in steady state solving allocates nothing.
/// Forbidden pairs take a large finite cost (`Tracker` uses 1e6), and callers drop the pairs
/// that cost that much from the result.
package struct HungarianSolver: Sendable {
    private var u: [Double] = [], v: [Double] = [], minimum: [Double] = []
    private var owner: [Int] = [], way: [Int] = []
    private var used: [Bool] = []
    private var transposed: [Double] = []
    private var result: [Int] = []

    /// A solver with empty buffers; they grow to the largest matrix seen.
    package init() {}

    /// The column assigned to each row (`-1` for a row left out when `rows > columns`).
    ///
    /// - Parameters:
    ///   - costs: row-major, `rows * columns` finite values (no NaN, no infinity).
    ///   - rows: number of rows (tracks, ground-truth objects…).
    ///   - columns: number of columns (observations, hypotheses…).
    /// - Returns: an array of `rows` column indices; it shares the solver's buffer, so a caller
    ///   that lets go of it before the next call causes no allocation.
    package mutating func solve(_ costs: [Double], rows: Int, columns: Int) -> [Int] {
        precondition(rows >= 0 && columns >= 0 && costs.count >= rows * columns,
                     "cost matrix holds \(costs.count) values, expected \(rows) x \(columns)")
        result.removeAll(keepingCapacity: true)
        if rows == 0 { return result }
        result.append(contentsOf: repeatElement(-1, count: rows))
        if columns == 0 { return result }
        if rows <= columns {
            run(costs, n: rows, m: columns, transposed: false)
        } else {
            transposed.removeAll(keepingCapacity: true)
            for c in 0..<columns { for r in 0..<rows { transposed.append(costs[r * columns + c]) } }
            run(transposed, n: columns, m: rows, transposed: true)
        }
        return result
    }

    /// Sum of `costs` over the pairs of `assignment` (rows left out count nothing).
    package static func totalCost(_ costs: [Double], columns: Int, assignment: [Int]) -> Double {
        var total = 0.0
        for (r, c) in assignment.enumerated() where c >= 0 { total += costs[r * columns + c] }
        return total
    }

    /// The n <= m case: every one of the n rows of `a` gets a column. 1-based potentials as in
    /// the classic formulation; column 0 is the virtual start column.
    private mutating func run(_ a: [Double], n: Int, m: Int, transposed: Bool) {
        u.removeAll(keepingCapacity: true); u.append(contentsOf: repeatElement(0, count: n + 1))
        v.removeAll(keepingCapacity: true); v.append(contentsOf: repeatElement(0, count: m + 1))
        owner.removeAll(keepingCapacity: true); owner.append(contentsOf: repeatElement(0, count: m + 1))
        way.removeAll(keepingCapacity: true); way.append(contentsOf: repeatElement(0, count: m + 1))
        minimum.removeAll(keepingCapacity: true); minimum.append(contentsOf: repeatElement(0, count: m + 1))
        used.removeAll(keepingCapacity: true); used.append(contentsOf: repeatElement(false, count: m + 1))
        for i in 1...n {
            owner[0] = i
            var j0 = 0
            for j in 0...m { minimum[j] = .infinity; used[j] = false }
            repeat {
                used[j0] = true
                let i0 = owner[j0]
                var delta = Double.infinity, j1 = 0
                let rowBase = (i0 - 1) * m - 1
                for j in 1...m where !used[j] {
                    let current = a[rowBase + j] - u[i0] - v[j]
                    if current < minimum[j] { minimum[j] = current; way[j] = j0 }
                    if minimum[j] < delta { delta = minimum[j]; j1 = j }
                }
                for j in 0...m {
                    if used[j] { u[owner[j]] += delta; v[j] -= delta } else { minimum[j] -= delta }
                }
                j0 = j1
            } while owner[j0] != 0
            repeat {
                let j1 = way[j0]
                owner[j0] = owner[j1]
                j0 = j1
            } while j0 != 0
        }
        for j in 1...m where owner[j] != 0 {
            if transposed { result[j - 1] = owner[j] - 1 } else { result[owner[j] - 1] = j - 1 }
        }
    }
}
