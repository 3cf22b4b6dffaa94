import Foundation
import SharedTestData
import Testing

/// Shared real data (`../shared/data` beside the repository) and ffmpeg to decode the videos.
enum RealData {
    static var root: String { SharedTestData.root }
    static var house6: String { root + "/furg-fire/house6" }
    static var pets: String { root + "/pets2009/S2L1_View001/vtest.avi" }
    static var highway: String { root + "/cdnet/baseline/highway/input" }
    static let ffmpeg: String? = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg", "/opt/homebrew/bin/ffmpeg"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static var hasHouse6: Bool {
        ffmpeg != nil && FileManager.default.fileExists(atPath: house6 + "/house6.mp4")
            && FileManager.default.fileExists(atPath: house6 + "/house6.xml")
    }
    static var hasPETS: Bool { ffmpeg != nil && FileManager.default.fileExists(atPath: pets) }
    static var hasHighway: Bool { FileManager.default.fileExists(atPath: highway) }
    static var isReleaseBuild: Bool { SharedTestData.isReleaseBuild }

    /// Decodes `video` to a temporary Y4M (4:2:0) with ffmpeg and returns its path.
    static func decode(_ video: String) throws -> String {
        let out = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigie-real-\(UUID().uuidString).y4m").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ffmpeg!)
        process.arguments = ["-loglevel", "error", "-y", "-i", video, "-f", "yuv4mpegpipe", "-pix_fmt", "yuv420p", out]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "ffmpeg failed on \(video)")
        return out
    }
}
