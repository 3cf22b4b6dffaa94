/// One step of a processing chain: a value type with explicit state that turns an input into
/// an output. A stage allocates its buffers on its first input and nothing per input after that.
///
/// Stages compose when one's output is the next one's input — checked by the compiler, so a
/// wrongly wired chain does not build:
///
/// ```swift
/// var chain = Pipeline {
///     MotionStage(model: AdaptiveBackground())   // Frame        → MotionResult
///     BlobStage()                                // MotionResult → BlobResult
///     TrackingStage()                            // BlobResult   → TrackingResult
///     RulesStage(scene: scene)                   // TrackingResult → [Event]
/// }
/// let events = try chain.process(frame)
/// // Pipeline { BlobStage(); MotionStage(...) }  — does not compile: [Blob] is not a Frame.
/// ```
public protocol Stage<Input, Output> {
    /// What the stage consumes (a `Frame`, a `Mask`, blobs, tracks…).
    associatedtype Input
    /// What the stage produces.
    associatedtype Output
    /// Processes one input, updating the stage's state.
    mutating func process(_ input: Input) throws -> Output
}

/// Two stages run one after the other: `first`'s output is `second`'s input.
public struct StagePair<First: Stage, Second: Stage>: Stage where First.Output == Second.Input {
    /// The stage that runs first.
    public var first: First
    /// The stage fed with `first`'s output.
    public var second: Second

    /// `first`, then `second`.
    public init(_ first: First, _ second: Second) {
        self.first = first
        self.second = second
    }

    /// Runs both stages.
    public mutating func process(_ input: First.Input) throws -> Second.Output {
        try second.process(try first.process(input))
    }
}

extension Stage {
    /// This stage followed by `next` (whose input must be this stage's output).
    public func then<Next: Stage>(_ next: Next) -> StagePair<Self, Next> where Next.Input == Output {
        StagePair(self, next)
    }
}

/// Builds a chain of stages from a list, each one's output feeding the next one's input.
@resultBuilder
public enum StageBuilder {
    /// The first stage of the list.
    public static func buildPartialBlock<S: Stage>(first: S) -> S { first }

    /// The chain so far followed by the next stage.
    public static func buildPartialBlock<A: Stage, B: Stage>(accumulated: A, next: B) -> StagePair<A, B>
    where A.Output == B.Input {
        StagePair(accumulated, next)
    }
}

/// A typed chain of stages, written as a list (see `Stage`). Statically dispatched: a pipeline
/// costs what its stages cost.
public struct Pipeline<Body: Stage>: Stage {
    /// The composed stages.
    public var body: Body

    /// A pipeline of the listed stages.
    public init(@StageBuilder _ stages: () -> Body) { body = stages() }

    /// Runs every stage on one input.
    public mutating func process(_ input: Body.Input) throws -> Body.Output { try body.process(input) }
}
