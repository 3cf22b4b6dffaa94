import Foundation

/// Decodes a configuration file's JSON with the scene file's error reporting: a syntax error gives
/// its line and column, a decoding error the field path (`cameras[1].scene: missing (required)`).
/// Shared by the scene file and the service's site file (VigieServer).
package func decodeStrictJSON<T: Decodable>(_ type: T.Type, from data: Data) throws(SceneFileError) -> T {
    do {
        return try JSONDecoder().decode(T.self, from: data)
    } catch let error as DecodingError {
        if case let .dataCorrupted(context) = error, context.codingPath.isEmpty {
            throw .invalidJSON(reason: jsonSyntaxReason(data) ?? context.debugDescription)
        }
        throw SceneFileError(error)
    } catch let error as SceneFileError {
        throw error
    } catch {
        throw .invalidJSON(reason: "\(error)")
    }
}
