import VigieCore
import VigieTracking

extension ReplayDetector {
    /// Detections read from a MOT Challenge detection file (`det.txt`:
    /// `frame,-1,left,top,width,height,score,…`, frames numbered from 1): the MOT Challenge's
    /// public detections, or any person detector run offline over the same frames. This is the
    /// standard "public detections" protocol for scoring a tracker.
    ///
    /// Boxes scoring under `minimumScore` are left out; the others are divided by `scale` (frames
    /// analysed at 1/`scale` of the recorded size, `vigie track --scale`; below 1 is taken as 1),
    /// cut at the frame's top and left edges (the tracker takes boxes reaching past the others),
    /// and classed `objectClass`; the score, clamped to 0…1, is the confidence.
    /// - Throws: `MOTFileError` when the file cannot be read or a line is not a box.
    public init(motChallengeFile path: String, minimumScore: Double = -.infinity, scale: Int = 1,
                objectClass: String = "person") throws(MOTFileError) {
        self.init(motChallengeBoxes: try MOTChallengeFile.read(path), minimumScore: minimumScore, scale: scale,
                  objectClass: objectClass)
    }

    /// Detections from MOT Challenge boxes (ids ignored); see `init(motChallengeFile:…)`.
    public init(motChallengeBoxes boxes: [MOTBox], minimumScore: Double = -.infinity, scale: Int = 1,
                objectClass: String = "person") {
        let s = Double(max(1, scale))
        var byFrame: [Int: [Detection]] = [:]
        let limit = MOTChallengeFile.largestValue
        for b in boxes where b.confidence >= minimumScore {
            // Boxes made in code may hold anything; a file's are already in range.
            guard [b.left, b.top, b.width, b.height].allSatisfy({ $0.isFinite && abs($0) <= limit }) else { continue }
            let left = max(0, Int((b.left / s).rounded())), top = max(0, Int((b.top / s).rounded()))
            let right = Int(((b.left + b.width) / s).rounded()), bottom = Int(((b.top + b.height) / s).rounded())
            guard right > left, bottom > top else { continue }
            byFrame[b.frame, default: []].append(
                Detection(box: PixelRect(x: left, y: top, width: right - left, height: bottom - top),
                          objectClass: objectClass, confidence: min(1, max(0, b.confidence))))
        }
        self.init(detections: byFrame)
    }
}
