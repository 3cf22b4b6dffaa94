// An LD_PRELOAD shim that counts heap allocations, so `vigie-bench allocs` can prove that a
// stage allocates nothing per frame in steady state. Benchmark use only; never linked into the
// library. Build: see Benchmarks/count-allocations.sh.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <stddef.h>
#include <unistd.h>

unsigned long vigie_allocation_count = 0;
/// Set to 1 by the benchmark (when VIGIE_ALLOCATION_TRACE is in the environment) while it counts:
/// each allocation then writes its call stack to standard error, to find where it comes from.
int vigie_allocation_trace = 0;
static __thread int tracing = 0;

static void trace(void) {
    if (!vigie_allocation_trace || tracing) return;
    tracing = 1;
    void *frames[12];
    int n = backtrace(frames, 12);
    write(2, "-- allocation\n", 14);
    backtrace_symbols_fd(frames + 1, n - 1, 2);
    tracing = 0;
}

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);

// dlsym may itself call calloc before real_calloc is known: serve it from a static block.
static char bootstrap[4096];
static size_t bootstrap_used = 0;

static void resolve(void) {
    if (!real_malloc) {
        real_malloc = dlsym(RTLD_NEXT, "malloc");
        real_calloc = dlsym(RTLD_NEXT, "calloc");
        real_realloc = dlsym(RTLD_NEXT, "realloc");
        real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
        real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    }
}

void *malloc(size_t n) {
    resolve();
    __atomic_add_fetch(&vigie_allocation_count, 1, __ATOMIC_RELAXED);
    trace();
    return real_malloc(n);
}

void *calloc(size_t a, size_t b) {
    if (!real_calloc) {
        if (real_malloc == NULL && bootstrap_used + a * b <= sizeof bootstrap) {
            void *p = bootstrap + bootstrap_used;
            bootstrap_used += (a * b + 15) & ~(size_t)15;
            return p;
        }
        resolve();
    }
    __atomic_add_fetch(&vigie_allocation_count, 1, __ATOMIC_RELAXED);
    trace();
    return real_calloc(a, b);
}

void *realloc(void *p, size_t n) {
    resolve();
    __atomic_add_fetch(&vigie_allocation_count, 1, __ATOMIC_RELAXED);
    trace();
    return real_realloc(p, n);
}

int posix_memalign(void **p, size_t alignment, size_t n) {
    resolve();
    __atomic_add_fetch(&vigie_allocation_count, 1, __ATOMIC_RELAXED);
    trace();
    return real_posix_memalign(p, alignment, n);
}

void *aligned_alloc(size_t alignment, size_t n) {
    resolve();
    __atomic_add_fetch(&vigie_allocation_count, 1, __ATOMIC_RELAXED);
    trace();
    return real_aligned_alloc(alignment, n);
}
