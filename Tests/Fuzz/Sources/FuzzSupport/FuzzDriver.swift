import CFuzzDriver

#if canImport(Glibc)
    import Glibc
#endif

/// One fuzz target: a name and a function that parses one input (any error is expected; a trap,
/// a sanitizer report, a leak or a hang is a finding).
public struct FuzzTarget: Sendable {
    /// The name given on the command line (`vigie-fuzz NAME …`).
    public var name: String
    /// Parses one input.
    public var body: @Sendable ([UInt8]) -> Void

    /// A target named `name` that runs `body` on each input.
    ///
    /// - Parameters:
    ///   - name: The name given on the command line.
    ///   - body: Parses one input.
    public init(_ name: String, _ body: @escaping @Sendable ([UInt8]) -> Void) {
        self.name = name
        self.body = body
    }
}

/// The target libFuzzer's callback runs (set once, before the driver starts).
nonisolated(unsafe) private var current: FuzzTarget?

/// Runs `TARGET [libFuzzer flags and corpus folders]` from the command line with libFuzzer, or
/// lists the targets; exits with libFuzzer's status.
public func runFuzzer(_ targets: [FuzzTarget]) -> Never {
    var arguments = CommandLine.arguments
    guard arguments.count >= 2, let target = targets.first(where: { $0.name == arguments[1] }) else {
        let names = targets.map(\.name).joined(separator: "|")
        let usage = "usage: \(arguments.first ?? "vigie-fuzz") \(names) [libFuzzer flags] [corpus folders]\n"
        _ = usage.withCString { write(2, $0, strlen($0)) }
        exit(64)
    }
    current = target
    arguments.remove(at: 1)
    // argv for libFuzzer, without the target name; the strings live until exit.
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    var argc = Int32(arguments.count)
    let status = argv.withUnsafeMutableBufferPointer { buffer -> Int32 in
        var base = buffer.baseAddress
        return LLVMFuzzerRunDriver(&argc, &base) { data, size in
            let bytes = size == 0 ? [] : [UInt8](UnsafeBufferPointer(start: data, count: size))
            current!.body(bytes)
            return 0
        }
    }
    exit(status)
}
