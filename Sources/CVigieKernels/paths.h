// What every kernel file of CVigieKernels shares: the per-path target attributes and the macro that
// compiles one kernel body once per path behind a dispatcher. Private to this target.
#ifndef CVIGIEKERNELS_PATHS_H
#define CVIGIEKERNELS_PATHS_H

#include "CVigieKernels.h"

#define INLINE static inline __attribute__((always_inline))

#if defined(__x86_64__) && defined(__clang__)
#define VG_X86_PATHS 1
#define VG_AVX2 __attribute__((target("avx2,bmi,bmi2,fma,lzcnt,popcnt")))
#define VG_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,bmi,bmi2,fma,lzcnt,popcnt")))
#else
#define VG_X86_PATHS 0
#endif

// Declares name_baseline, name_avx2 and name_avx512 around body(args), and name_on(path, …)
// that calls the one for `path` (an unsupported path would fault: callers check; Swift passes
// the path in use, vg_cpu_path(), or one a test forces).
#define VG_WITH_PATH(...) (int path, __VA_ARGS__)
#if VG_X86_PATHS
#define VG_DISPATCHED(name, body, params, args)                                                     \
    static void name##_baseline params { body args; }                                               \
    VG_AVX2 static void name##_avx2 params { body args; }                                           \
    VG_AVX512 static void name##_avx512 params { body args; }                                       \
    void name##_on VG_WITH_PATH params {                                                            \
        switch (path) {                                                                             \
        case VG_CPU_AVX512: name##_avx512 args; return;                                             \
        case VG_CPU_AVX2: name##_avx2 args; return;                                                 \
        default: name##_baseline args; return;                                                      \
        }                                                                                           \
    }
#else
#define VG_DISPATCHED(name, body, params, args)                                                     \
    void name##_on VG_WITH_PATH params { (void)path; body args; }
#endif

// As VG_DISPATCHED for a kernel that returns a `type`.
#if VG_X86_PATHS
#define VG_DISPATCHED_RETURNING(type, name, body, params, args)                                     \
    static type name##_baseline params { return body args; }                                        \
    VG_AVX2 static type name##_avx2 params { return body args; }                                    \
    VG_AVX512 static type name##_avx512 params { return body args; }                                \
    type name##_on VG_WITH_PATH params {                                                            \
        switch (path) {                                                                             \
        case VG_CPU_AVX512: return name##_avx512 args;                                              \
        case VG_CPU_AVX2: return name##_avx2 args;                                                  \
        default: return name##_baseline args;                                                       \
        }                                                                                           \
    }
#else
#define VG_DISPATCHED_RETURNING(type, name, body, params, args)                                     \
    type name##_on VG_WITH_PATH params { (void)path; return body args; }
#endif

// As VG_DISPATCHED and VG_DISPATCHED_RETURNING, with a body of its own for the AVX-512 path
// (`body512`: 64 bytes a vector and mask registers, written with <immintrin.h>); the other paths
// compile `body`.
#if VG_X86_PATHS
#include <immintrin.h>
#define VG_DISPATCHED_512(name, body, body512, params, args)                                        \
    static void name##_baseline params { body args; }                                               \
    VG_AVX2 static void name##_avx2 params { body args; }                                           \
    VG_AVX512 static void name##_avx512 params { body512 args; }                                    \
    void name##_on VG_WITH_PATH params {                                                            \
        switch (path) {                                                                             \
        case VG_CPU_AVX512: name##_avx512 args; return;                                             \
        case VG_CPU_AVX2: name##_avx2 args; return;                                                 \
        default: name##_baseline args; return;                                                      \
        }                                                                                           \
    }
#define VG_DISPATCHED_RETURNING_512(type, name, body, body512, params, args)                        \
    static type name##_baseline params { return body args; }                                        \
    VG_AVX2 static type name##_avx2 params { return body args; }                                    \
    VG_AVX512 static type name##_avx512 params { return body512 args; }                             \
    type name##_on VG_WITH_PATH params {                                                            \
        switch (path) {                                                                             \
        case VG_CPU_AVX512: return name##_avx512 args;                                              \
        case VG_CPU_AVX2: return name##_avx2 args;                                                  \
        default: return name##_baseline args;                                                       \
        }                                                                                           \
    }
#else
#define VG_DISPATCHED_512(name, body, body512, params, args) VG_DISPATCHED(name, body, params, args)
#define VG_DISPATCHED_RETURNING_512(type, name, body, body512, params, args)                        \
    VG_DISPATCHED_RETURNING(type, name, body, params, args)
#endif

#endif
