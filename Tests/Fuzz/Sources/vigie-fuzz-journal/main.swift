import FuzzSupport
import VigieJournal

// The alert journal's verifier (Documentation/Fuzzing.md): its own executable because
// VigieJournal brings swift-crypto (BoringSSL), long to build instrumented.

runFuzzer([
    // Arbitrary contents, no key: an authenticated journal is reported unverified, which still
    // parses and chains every entry.
    FuzzTarget("journal") { bytes in
        _ = JournalVerifier().verify(contents: bytes)
    },
])
