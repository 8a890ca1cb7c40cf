#ifndef ARRW_KERNELS_H
#define ARRW_KERNELS_H

/*
 * C kernels for the transformer encoder: a loader for the system's OpenBLAS (opened at run
 * time, after choosing its CPU kernels) and the element-wise steps (bias, GELU, LayerNorm,
 * softmax, pooling). Element-wise functions are compiled for AVX-512, AVX2 and baseline x86-64
 * and picked at run time (target_clones). All matrices are row-major float32.
 */

/* Opens the system OpenBLAS once. Returns 0 on success; otherwise writes a message into
   `message` (capacity bytes, NUL-terminated) and returns -1. Safe to call repeatedly. */
int arrw_blas_open(char *message, int capacity);

/* The CPU kernel family OpenBLAS chose (e.g. "SkylakeX"), or "" before arrw_blas_open. */
const char *arrw_blas_core_name(void);

/* Threads OpenBLAS may use for one call. */
void arrw_blas_set_threads(int threads);

/* C[m×n] = alpha · A[m×k] · B[n×k]ᵀ + beta · C. */
void arrw_sgemm_nt(int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb,
                   float beta, float *c, int ldc);

/* C[m×n] = alpha · A[m×k] · B[k×n] + beta · C. */
void arrw_sgemm_nn(int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb,
                   float beta, float *c, int ldc);

/* x[r][c] += bias[c]. */
void arrw_add_bias(float *x, const float *bias, int rows, int cols);

/* x[r][c] = gelu(x[r][c] + bias[c]) with the exact (erf) GELU; |error| < 2e-7 relative to erf. */
void arrw_add_bias_gelu(float *x, const float *bias, int rows, int cols);

/* x[r] = LayerNorm(x[r] + bias + residual[r]) · gamma + beta, over `cols`, epsilon `eps`. */
void arrw_add_bias_residual_layernorm(float *x, const float *bias, const float *residual, const float *gamma,
                                      const float *beta, int rows, int cols, float eps);

/* x[r] = LayerNorm(x[r]) · gamma + beta. */
void arrw_layernorm(float *x, const float *gamma, const float *beta, int rows, int cols, float eps);

/* x[r] = softmax(scale · x[r]) over `cols`, row stride `ld`. */
void arrw_softmax_rows(float *x, int rows, int cols, int ld, float scale);

/* out[c] = mean over rows of x[r][c], then out /= max(|out|, 1e-12). */
void arrw_mean_pool_normalize(const float *x, int rows, int cols, float *out);

/* One attention head over one sequence of `length` tokens: out = softmax(scale · q·kᵀ) · v.
   q, k, v point at the head's first column in rows of stride `ld`; out has row stride `ld_out`.
   `scratch` holds at least length · (head_size + 1) floats. */
void arrw_attention_head(const float *q, const float *k, const float *v, int ld, int length, int head_size,
                         float scale, float *out, int ld_out, float *scratch);

#endif
