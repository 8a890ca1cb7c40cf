#include "arrw_kernels.h"

/* Distance kernels for the indexes: plain loops that the compiler vectorizes, built by
   target_clones for AVX-512, AVX2+FMA and baseline x86-64; the loader picks one per CPU at run
   time. A sum may be computed in any order (so each loop keeps several vector accumulators);
   on one machine equal inputs always give equal results. */
#pragma clang fp reassociate(on)

#if defined(__x86_64__) && !defined(__APPLE__)
#define DISPATCH __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DISPATCH
#endif

DISPATCH float arrw_dot(const float *a, const float *b, long n) {
    float s = 0.0f;
    for (long i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

DISPATCH float arrw_squared_l2(const float *a, const float *b, long n) {
    float s = 0.0f;
    for (long i = 0; i < n; i++) {
        float d = a[i] - b[i];
        s += d * d;
    }
    return s;
}

DISPATCH void arrw_dot4(const float *q, const float *a, const float *b, const float *c, const float *d, long n,
                        float *out) {
    float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
    for (long i = 0; i < n; i++) {
        float x = q[i];
        s0 += x * a[i];
        s1 += x * b[i];
        s2 += x * c[i];
        s3 += x * d[i];
    }
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
}

DISPATCH void arrw_squared_l2_4(const float *q, const float *a, const float *b, const float *c, const float *d,
                                long n, float *out) {
    float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
    for (long i = 0; i < n; i++) {
        float x = q[i];
        float d0 = x - a[i], d1 = x - b[i], d2 = x - c[i], d3 = x - d[i];
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
    }
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
}

DISPATCH void arrw_dot_rows(const float *q, const float *rows, long count, long dimension, float *scores) {
    for (long r = 0; r < count; r++) {
        const float *row = rows + r * dimension;
        float s = 0.0f;
        for (long i = 0; i < dimension; i++) s += q[i] * row[i];
        scores[r] = s;
    }
}

DISPATCH void arrw_negative_squared_l2_rows(const float *q, const float *rows, long count, long dimension,
                                            float *scores) {
    for (long r = 0; r < count; r++) {
        const float *row = rows + r * dimension;
        float s = 0.0f;
        for (long i = 0; i < dimension; i++) {
            float d = q[i] - row[i];
            s += d * d;
        }
        scores[r] = -s;
    }
}
