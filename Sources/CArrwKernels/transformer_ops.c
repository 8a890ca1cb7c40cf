#include "arrw_kernels.h"

#include <math.h>

/* Each loop is written so the compiler vectorizes it; target_clones builds it for AVX-512,
   AVX2+FMA and baseline x86-64 and the loader picks one per CPU at run time. */
#if defined(__x86_64__) && !defined(__APPLE__)
#define DISPATCH __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DISPATCH
#endif

/* erf(x) by Abramowitz & Stegun 7.1.26 refined: max abs error 1.5e-7. */
static inline float erf_approx(float x) {
    float sign = x < 0.0f ? -1.0f : 1.0f;
    float a = fabsf(x);
    float t = 1.0f / (1.0f + 0.3275911f * a);
    float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
    return sign * (1.0f - poly * expf(-a * a));
}

DISPATCH void arrw_add_bias(float *x, const float *bias, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (long)r * cols;
        for (int c = 0; c < cols; c++) row[c] += bias[c];
    }
}

DISPATCH void arrw_add_bias_gelu(float *x, const float *bias, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (long)r * cols;
        for (int c = 0; c < cols; c++) {
            float v = row[c] + bias[c];
            row[c] = 0.5f * v * (1.0f + erf_approx(v * 0.70710678118654752f));
        }
    }
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

DISPATCH void arrw_add_bias_residual_layernorm(float *x, const float *bias, const float *residual, const float *gamma,
                                               const float *beta, int rows, int cols, float eps) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (long)r * cols;
        const float *res = residual + (long)r * cols;
        for (int c = 0; c < cols; c++) row[c] += bias[c] + res[c];
        normalize_row(row, gamma, beta, cols, eps);
    }
}

DISPATCH void arrw_layernorm(float *x, const float *gamma, const float *beta, int rows, int cols, float eps) {
    for (int r = 0; r < rows; r++) normalize_row(x + (long)r * cols, gamma, beta, cols, eps);
}

DISPATCH void arrw_softmax_rows(float *x, int rows, int cols, int ld, float scale) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (long)r * ld;
        float max = -INFINITY;
        for (int c = 0; c < cols; c++) max = row[c] > max ? row[c] : max;
        float sum = 0.0f;
        for (int c = 0; c < cols; c++) {
            row[c] = expf((row[c] - max) * scale);
            sum += row[c];
        }
        float inverse = 1.0f / sum;
        for (int c = 0; c < cols; c++) row[c] *= inverse;
    }
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

DISPATCH void arrw_attention_head(const float *q, const float *k, const float *v, int ld, int length, int head_size,
                                  float scale, float *out, int ld_out, float *scratch) {
    float *kt = scratch;                           /* head_size × length: k transposed */
    float *p = scratch + (long)head_size * length; /* length: one row of weights */
    for (int j = 0; j < length; j++)
        for (int d = 0; d < head_size; d++) kt[(long)d * length + j] = k[(long)j * ld + d];
    for (int i = 0; i < length; i++) {
        const float *qi = q + (long)i * ld;
        for (int j = 0; j < length; j++) p[j] = 0.0f;
        for (int d = 0; d < head_size; d++) {
            float qd = qi[d] * scale;
            const float *row = kt + (long)d * length;
            for (int j = 0; j < length; j++) p[j] += qd * row[j];
        }
        float max = -INFINITY;
        for (int j = 0; j < length; j++) max = p[j] > max ? p[j] : max;
        float sum = 0.0f;
        for (int j = 0; j < length; j++) {
            p[j] = expf(p[j] - max);
            sum += p[j];
        }
        float inverse = 1.0f / sum;
        float *o = out + (long)i * ld_out;
        for (int d = 0; d < head_size; d++) o[d] = 0.0f;
        for (int j = 0; j < length; j++) {
            float pj = p[j] * inverse;
            const float *vj = v + (long)j * ld;
            for (int d = 0; d < head_size; d++) o[d] += pj * vj[d];
        }
    }
}
