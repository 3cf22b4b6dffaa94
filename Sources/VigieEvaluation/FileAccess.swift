import Foundation

/// The bytes of the file at `path`.
/// - Throws: `missingFile` when nothing is there, `unreadableFile` when it cannot be read.
func readFileBytes(_ path: String) throws(EvaluationError) -> [UInt8] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw .missingFile(path: path)
    }
    guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
        throw .unreadableFile(path: path)
    }
    return [UInt8](data)
}

/// Whether a folder exists at `path`.
func folderExists(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
}

/// The grey level of a colour: its red value when the colour is already grey (R = G = B, the
/// CDnet palettes), otherwise Rec. 601 luma `0.299R + 0.587G + 0.114B`, rounded.
@inline(__always)
func greyLevel(red r: UInt8, green g: UInt8, blue b: UInt8) -> UInt8 {
    if r == g && g == b { return r }
    let weighted: Int = 299 * Int(r) + 587 * Int(g) + 114 * Int(b)
    return UInt8(truncatingIfNeeded: (weighted + 500) / 1000)
}
