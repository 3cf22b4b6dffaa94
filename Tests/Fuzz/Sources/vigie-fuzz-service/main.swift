import FuzzSupport
@testable import VigieServer

// The service's request bodies: `POST /api/events/{id}/acknowledge` decodes
// `{"decision": …, "note": …}` with EventRoutes.decodeDecision (Documentation/Fuzzing.md).
// Built with -enable-testing (run.sh) for the @testable import.

runFuzzer([
    FuzzTarget("acknowledgement") { bytes in
        _ = try? EventRoutes.decodeDecision(bytes)
    },
])
