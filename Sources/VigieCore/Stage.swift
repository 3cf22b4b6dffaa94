/// One step of a processing chain: a value type with explicit state that turns an input into
/// an output. A stage allocates its buffers on its first input and nothing per input after that.
public protocol Stage {
    /// What the stage consumes (a `Frame`, a `Mask`, blobs, tracks…).
    associatedtype Input
    /// What the stage produces.
    associatedtype Output
    /// Processes one input, updating the stage's state.
    mutating func process(_ input: Input) throws -> Output
}
