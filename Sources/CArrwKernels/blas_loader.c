#define _GNU_SOURCE
#include "arrw_kernels.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * OpenBLAS picks its CPU kernels when the library is loaded, from OPENBLAS_CORETYPE or its own
 * CPU table. Debian's 0.3.21 does not know AMD Zen 4 and falls back to its AVX2 (Haswell)
 * kernels, half the speed of its AVX-512 ones on such a CPU. So the library is opened here, at
 * run time: when the CPU has AVX-512 (F, BW, DQ, VL) and the user set no OPENBLAS_CORETYPE,
 * SkylakeX is chosen first. The CBLAS enums are spelled out to avoid a header dependency.
 */

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float,
                         float *, int);
typedef void (*set_threads_fn)(int);
typedef char *(*core_name_fn)(void);

static sgemm_fn sgemm;
static set_threads_fn set_threads;
static core_name_fn core_name;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512];

static void load(void) {
    if (getenv("OPENBLAS_CORETYPE") == NULL) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
            __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) {
            setenv("OPENBLAS_CORETYPE", "SkylakeX", 0);
        }
    }
    const char *names[] = {"libopenblas.so.0", "libopenblas.so"};
    void *handle = NULL;
    for (unsigned i = 0; i < sizeof names / sizeof names[0] && handle == NULL; i++) {
        handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (handle == NULL) {
        snprintf(load_error, sizeof load_error,
                 "cannot open OpenBLAS (libopenblas.so.0): %s; install the Debian package libopenblas-dev "
                 "(scripts/setup does)", dlerror());
        return;
    }
    sgemm = (sgemm_fn)dlsym(handle, "cblas_sgemm");
    set_threads = (set_threads_fn)dlsym(handle, "openblas_set_num_threads");
    core_name = (core_name_fn)dlsym(handle, "openblas_get_corename");
    if (sgemm == NULL || set_threads == NULL) {
        sgemm = NULL;
        snprintf(load_error, sizeof load_error, "the OpenBLAS library lacks cblas_sgemm or openblas_set_num_threads");
    }
}

int arrw_blas_open(char *message, int capacity) {
    pthread_once(&once, load);
    if (sgemm != NULL) return 0;
    if (message != NULL && capacity > 0) {
        snprintf(message, (size_t)capacity, "%s", load_error);
    }
    return -1;
}

const char *arrw_blas_core_name(void) {
    return (sgemm != NULL && core_name != NULL) ? core_name() : "";
}

void arrw_blas_set_threads(int threads) {
    if (set_threads != NULL) set_threads(threads);
}

void arrw_sgemm_nt(int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb,
                   float beta, float *c, int ldc) {
    sgemm(ROW_MAJOR, NO_TRANS, TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void arrw_sgemm_nn(int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb,
                   float beta, float *c, int ldc) {
    sgemm(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
