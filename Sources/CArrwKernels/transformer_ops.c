#include "arrw_kernels.h"

#include <math.h>

/* Sums, maxima and means below may be computed in any order, so their loops vectorize. */
#pragma clang fp reassociate(on)

/* Each loop is written so the compiler vectorizes it; target_clones builds it for AVX-512,
   AVX2+FMA and baseline x86-64 and the loader picks one per CPU at run time. */
#if defined(__x86_64__) && !defined(__APPLE__)
#define DISPATCH __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DISPATCH
#endif

/* e^x for x ≤ 88 from arithmetic only (so loops that call it vectorize): x = n·ln2 + f with
   |f| ≤ ln2/2 (Cody–Waite split of ln2), e^f by its degree-6 Taylor polynomial, then the
   exponent n written into the float's bits. Relative error below 2e-7; x < -87 gives 0. */
static inline float exp_approx(float x) {
    x = x < -87.0f ? -87.0f : x;
    float n = __builtin_roundevenf(x * 1.44269504088896341f);
    float f = x - n * 0.693145751953125f - n * 1.42860682030941723e-6f;
    float p = 1.0f + f * (1.0f + f * (0.5f + f * (0.166666672f + f * (0.0416666679f + f * (0.00833333377f + f * 0.00138888892f)))));
    int bits = ((int)n + 127) << 23;
    float scale;
    __builtin_memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

/* erf(x) by Abramowitz & Stegun 7.1.26: max abs error 1.5e-7. */
static inline float erf_approx(float x) {
    float sign = x < 0.0f ? -1.0f : 1.0f;
    float a = fabsf(x);
    float t = 1.0f / (1.0f + 0.3275911f * a);
    float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
    return sign * (1.0f - poly * exp_approx(-a * a));
}

DISPATCH void arrw_embedding_row(const float *word, const float *position, const float *type, float *out, int cols) {
    for (int c = 0; c < cols; c++) out[c] = word[c] + position[c] + type[c];
}

DISPATCH void arrw_gelu(float *x, int rows, int cols) {
    long count = (long)rows * cols;
    for (long i = 0; i < count; i++) {
        float v = x[i];
        x[i] = 0.5f * v * (1.0f + erf_approx(v * 0.70710678118654752f));
    }
}

void arrw_gelu_strided(float *x, int rows, int cols, int ld) {
    for (int r = 0; r < rows; r++) arrw_gelu(x + (long)r * ld, 1, cols);
}

static inline void normalize_row(float *row, const float *gamma, const float *beta, int cols, float eps) {
    float mean = 0.0f;
    for (int c = 0; c < cols; c++) mean += row[c];
    mean /= (float)cols;
    float variance = 0.0f;
    for (int c = 0; c < cols; c++) {
        float d = row[c] - mean;
        variance += d * d;
    }
    variance /= (float)cols;
    float inverse = 1.0f / sqrtf(variance + eps);
    for (int c = 0; c < cols; c++) row[c] = (row[c] - mean) * inverse * gamma[c] + beta[c];
}

DISPATCH void arrw_add_residual_layernorm(float *x, const float *residual, const float *gamma, const float *beta,
                                          int rows, int cols, float eps) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (long)r * cols;
        const float *res = residual + (long)r * cols;
        for (int c = 0; c < cols; c++) row[c] += res[c];
        normalize_row(row, gamma, beta, cols, eps);
    }
}

DISPATCH void arrw_layernorm(float *x, const float *gamma, const float *beta, int rows, int cols, float eps) {
    for (int r = 0; r < rows; r++) normalize_row(x + (long)r * cols, gamma, beta, cols, eps);
}

DISPATCH void arrw_mean_pool_normalize(const float *x, int rows, int cols, float *out) {
    for (int c = 0; c < cols; c++) out[c] = 0.0f;
    for (int r = 0; r < rows; r++) {
        const float *row = x + (long)r * cols;
        for (int c = 0; c < cols; c++) out[c] += row[c];
    }
    float norm = 0.0f;
    for (int c = 0; c < cols; c++) {
        out[c] /= (float)rows;
        norm += out[c] * out[c];
    }
    norm = sqrtf(norm);
    float inverse = 1.0f / (norm > 1e-12f ? norm : 1e-12f);
    for (int c = 0; c < cols; c++) out[c] *= inverse;
}

DISPATCH void arrw_softmax_rows(float *x, int rows, int cols, int ld, float scale) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (long)r * ld;
        float max = -INFINITY;
        for (int c = 0; c < cols; c++) max = fmaxf(max, row[c]);
        float sum = 0.0f;
        for (int c = 0; c < cols; c++) {
            row[c] = exp_approx((row[c] - max) * scale);
            sum += row[c];
        }
        float inverse = 1.0f / sum;
        for (int c = 0; c < cols; c++) row[c] *= inverse;
    }
}
