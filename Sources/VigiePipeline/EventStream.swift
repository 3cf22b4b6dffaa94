import VigieCore
import VigieEvents

/// Frames in, events out, as an `AsyncSequence`: each frame goes through a `ScenePipeline` as it
/// arrives, its events come out in order, and when the frames end the open events are ended.
///
/// ```swift
/// var source = try FrameInput.open("camera.y4m")
/// for try await event in source.frames().events(through: ScenePipeline(scene: scene)) {
///     print(event.jsonLine())
/// }
/// ```
public struct SceneEventStream<Frames: AsyncSequence>: AsyncSequence where Frames.Element == Frame {
    /// Events.
    public typealias Element = Event

    let frames: Frames
    let pipeline: ScenePipeline

    /// Iterates the events of the frames.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var frames: Frames.AsyncIterator
        var pipeline: ScenePipeline
        var pending: [Event] = []
        var index = 0
        var finished = false

        /// The next event; nil after the frames have ended and the open events with them.
        /// - Throws: what the frames throw, or what the pipeline throws.
        public mutating func next() async throws -> Event? {
            while index >= pending.count {
                if finished { return nil }
                pending.removeAll(keepingCapacity: true)
                index = 0
                if let frame = try await frames.next() {
                    pending = try pipeline.process(frame)
                } else {
                    pending = try pipeline.finish()
                    finished = true
                }
            }
            defer { index += 1 }
            return pending[index]
        }
    }

    /// An iterator from the first frame.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(frames: frames.makeAsyncIterator(), pipeline: pipeline)
    }
}

extension AsyncSequence where Element == Frame {
    /// The events `pipeline` raises on these frames (see `SceneEventStream`).
    public func events(through pipeline: ScenePipeline) -> SceneEventStream<Self> {
        SceneEventStream(frames: self, pipeline: pipeline)
    }
}
