// Choosing the instruction-set path once, from cpuid (what the processor has) and xgetbv (which
// vector registers the operating system saves across context switches).
#include "CVigieKernels.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>

// XCR0: which register states the OS saves. 0x6 = SSE + AVX (YMM); 0xE6 adds AVX-512's opmask and
// the upper ZMM halves. Read with the raw opcode so that no target attribute is needed.
static uint64_t saved_state(void) {
    uint32_t lo, hi;
    __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static int has_avx2(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1;
    if (!(osxsave && avx && fma) || (saved_state() & 0x6) != 0x6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return ((b >> 5) & 1) && ((b >> 3) & 1) && ((b >> 8) & 1);  // AVX2, BMI1, BMI2
}

static int has_avx512(void) {
    unsigned a, b, c, d;
    if (!has_avx2() || (saved_state() & 0xE6) != 0xE6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return ((b >> 16) & 1) && ((b >> 17) & 1) && ((b >> 30) & 1) && ((b >> 31) & 1);  // F, DQ, BW, VL
}
#endif

int vg_cpu_supports(int path) {
    switch (path) {
    case VG_CPU_BASELINE: return 1;
#if defined(__x86_64__)
    case VG_CPU_AVX2: return has_avx2();
    case VG_CPU_AVX512: return has_avx512();
#endif
    default: return 0;
    }
}

static _Atomic int requested = -3;  // -3: VIGIE_CPU not read yet

int vg_cpu_requested(void) {
    int r = atomic_load_explicit(&requested, memory_order_relaxed);
    if (r != -3) return r;
    const char *name = getenv("VIGIE_CPU");
    r = name == NULL || name[0] == 0      ? -1
        : strcmp(name, "baseline") == 0   ? VG_CPU_BASELINE
        : strcmp(name, "avx2") == 0       ? VG_CPU_AVX2
        : strcmp(name, "avx512") == 0     ? VG_CPU_AVX512
                                          : -2;
    atomic_store_explicit(&requested, r, memory_order_relaxed);
    return r;
}

static int automatic_path(void) {
    int wanted = vg_cpu_requested();
    if (wanted >= 0 && vg_cpu_supports(wanted)) return wanted;
    if (vg_cpu_supports(VG_CPU_AVX512)) return VG_CPU_AVX512;
    if (vg_cpu_supports(VG_CPU_AVX2)) return VG_CPU_AVX2;
    return VG_CPU_BASELINE;
}

static _Atomic int chosen = -2;  // -2: not chosen yet

int vg_cpu_path(void) {
    int path = atomic_load_explicit(&chosen, memory_order_relaxed);
    if (path < 0) {
        path = automatic_path();
        atomic_store_explicit(&chosen, path, memory_order_relaxed);
    }
    return path;
}

int vg_cpu_force(int path) {
    if (path == VG_CPU_AUTO) {
        atomic_store_explicit(&chosen, automatic_path(), memory_order_relaxed);
        return 0;
    }
    if (!vg_cpu_supports(path)) return -1;
    atomic_store_explicit(&chosen, path, memory_order_relaxed);
    return 0;
}
