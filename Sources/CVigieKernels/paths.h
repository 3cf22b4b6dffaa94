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
// the path in use, vg_cpu_path(), or one a test forces). The _512 forms take a body of their own
// for the AVX-512 path (`body512`: 64 bytes a vector and mask registers, written with
// <immintrin.h>); the other paths compile `body`. The _RETURNING forms are for a kernel that
// returns a `type`.
#define VG_WITH_PATH(...) (int path, __VA_ARGS__)
// VG_DISPATCH(type, ret, …): `ret` is `return` for a kernel returning `type`, empty for void.
#if VG_X86_PATHS
#include <immintrin.h>
#define VG_DISPATCH(type, ret, name, body, body512, params, args)                                   \
    static type name##_baseline params { ret body args; }                                           \
    VG_AVX2 static type name##_avx2 params { ret body args; }                                       \
    VG_AVX512 static type name##_avx512 params { ret body512 args; }                                \
    type name##_on VG_WITH_PATH params {                                                            \
        switch (path) {                                                                             \
        case VG_CPU_AVX512: ret name##_avx512 args; break;                                          \
        case VG_CPU_AVX2: ret name##_avx2 args; break;                                              \
        default: ret name##_baseline args; break;                                                   \
        }                                                                                           \
    }
#else
#define VG_DISPATCH(type, ret, name, body, body512, params, args)                                   \
    type name##_on VG_WITH_PATH params { (void)path; ret body args; }
#endif
#define VG_DISPATCHED(name, body, params, args) VG_DISPATCH(void, , name, body, body, params, args)
#define VG_DISPATCHED_512(name, body, body512, params, args) VG_DISPATCH(void, , name, body, body512, params, args)
#define VG_DISPATCHED_RETURNING(type, name, body, params, args)                                     \
    VG_DISPATCH(type, return, name, body, body, params, args)
#define VG_DISPATCHED_RETURNING_512(type, name, body, body512, params, args)                        \
    VG_DISPATCH(type, return, name, body, body512, params, args)

#endif
