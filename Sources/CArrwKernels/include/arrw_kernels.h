#ifndef ARRW_KERNELS_H
#define ARRW_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/*
 * C kernels for the transformer encoder: a packed-weight GEMM with an AVX-512 micro-kernel, and
 * the element-wise steps (bias, GELU, LayerNorm, softmax, attention, pooling). Each has a
 * portable path; the CPU is checked at run time (cpuid, target_clones), so one binary runs
 * everywhere and uses AVX-512 where the CPU has it. All matrices are row-major float32.
 */

/* Floats needed to pack an [n × k] weight matrix for arrw_gemm_packed (n rounded up to 32). */
long arrw_packed_size(int n, int k);

/* Packs W [n × k] (PyTorch's [out × in] layout) into 32-column panels for arrw_gemm_packed. */
void arrw_pack_weights(const float *w, int n, int k, float *packed);

/* C[m × n] = A[m × k] · Wᵀ + bias (bias may be NULL), W packed by arrw_pack_weights.
   AVX-512 micro-kernel when the CPU has it, else a portable kernel (AVX2 or baseline). */
void arrw_gemm_packed(int m, int n, int k, const float *a, int lda, const float *packed, const float *bias, float *c,
                      int ldc);

/* 1 when arrw_gemm_packed runs its AVX-512 kernel on this CPU. */
int arrw_gemm_uses_avx512(void);

/* The GEMM kernels, best last. */
enum { ARRW_GEMM_PORTABLE = 0, ARRW_GEMM_AVX2 = 1, ARRW_GEMM_AVX512 = 2 };

/* The kernel arrw_gemm_packed runs on this CPU: AVX-512, else AVX2 + FMA, else portable. */
int arrw_gemm_kernel(void);

/* arrw_gemm_packed with the given kernel; 0 (and nothing computed) when this CPU lacks it. For tests
   and benchmarks that compare the kernels. */
int arrw_gemm_packed_with(int kernel, int m, int n, int k, const float *a, int lda, const float *packed, const float *bias,
                          float *c, int ldc);

/* out[c] = word[c] + position[c] + type[c]. */
void arrw_embedding_row(const float *word, const float *position, const float *type, float *out, int cols);

/* x = gelu(x) with the exact (erf) GELU; erf approximated to 1.5e-7 absolute. */
void arrw_gelu(float *x, int rows, int cols);

/* arrw_gelu over `cols` columns of each of `rows` rows at stride `ld`. */
void arrw_gelu_strided(float *x, int rows, int cols, int ld);

/* x[r] = LayerNorm(x[r] + residual[r]) · gamma + beta, over `cols`, epsilon `eps`. */
void arrw_add_residual_layernorm(float *x, const float *residual, const float *gamma, const float *beta, int rows,
                                 int cols, float eps);

/* x[r] = LayerNorm(x[r]) · gamma + beta. */
void arrw_layernorm(float *x, const float *gamma, const float *beta, int rows, int cols, float eps);

/* out[c] = mean over rows of x[r][c], then out /= max(|out|, 1e-12). */
void arrw_mean_pool_normalize(const float *x, int rows, int cols, float *out);

/* Like arrw_pack_weights for W's rows at stride ldw. */
void arrw_pack_weights_strided(const float *w, int ldw, int n, int k, float *packed);

/* x[r] = softmax(scale · x[r]) over `cols`, row stride `ld`. */
void arrw_softmax_rows(float *x, int rows, int cols, int ld, float scale);

/* Floats of scratch arrw_attention_head needs for a sequence of `length` tokens. */
long arrw_attention_scratch_size(int length, int head_size);

/* One attention head over one sequence of `length` tokens: out = softmax(scale · q·kᵀ) · v.
   q, k, v point at the head's first column in rows of stride `ld`; out has row stride `ld_out`.
   `scratch` holds at least arrw_attention_scratch_size(length, head_size) floats. */
void arrw_attention_head(const float *q, const float *k, const float *v, int ld, int length, int head_size,
                         float scale, float *out, int ld_out, float *scratch);

/* Σ a[i]·b[i] over n floats (vectorized; AVX-512 / AVX2+FMA / baseline chosen at run time). */
float arrw_dot(const float *a, const float *b, long n);

/* Σ (a[i] − b[i])² over n floats. */
float arrw_squared_l2(const float *a, const float *b, long n);

/* out[0..3] = the dot products of q with a, b, c and d (n floats each; q read once). */
void arrw_dot4(const float *q, const float *a, const float *b, const float *c, const float *d, long n, float *out);

/* out[0..3] = the squared L2 distances of q to a, b, c and d. */
void arrw_squared_l2_4(const float *q, const float *a, const float *b, const float *c, const float *d, long n,
                       float *out);

/* scores[i] = q · rows[i] for `count` rows of `dimension` floats laid out one after another. */
void arrw_dot_rows(const float *q, const float *rows, long count, long dimension, float *scores);

/* scores[i] = −‖q − rows[i]‖² for `count` consecutive rows (greater is closer). */
void arrw_negative_squared_l2_rows(const float *q, const float *rows, long count, long dimension, float *scores);

/* Rows of int8 codes in panels of 16: panel b holds rows 16b…16b+15 as `dimension` groups of 16
   codes (group i is component i of each of the 16 rows). For `panel_count` panels:
   scores[16b + j] = q · row(16b + j), each code widened to float, and bit j of masks[b] set when
   scores·scales + weight·bounds (row 16b + j's), loosened by 2⁻¹⁸ of its terms' magnitudes,
   reaches `threshold` (-INFINITY sets every bit). AVX2+FMA when the CPU has them, else plain
   loops; sums may run in any order. */
#define ARRW_PANEL_ROWS 16
void arrw_screen_panels_i8(const float *q, const int8_t *panels, long panel_count, long dimension,
                           const float *scales, const float *bounds, float weight, float threshold, float *scores,
                           uint16_t *masks);

/* The plain-loop version of arrw_screen_panels_i8, the reference in tests. */
void arrw_screen_panels_i8_portable(const float *q, const int8_t *panels, long panel_count, long dimension,
                                    const float *scales, const float *bounds, float weight, float threshold,
                                    float *scores, uint16_t *masks);

/* A team of `helpers` threads for parallel regions (see worker_pool.c): a waiting thread spins
   briefly, then sleeps. NULL when it cannot be allocated; it may hold fewer helpers than asked
   when threads cannot be made (arrw_pool_threads says how many threads it has). */
struct arrw_pool;
struct arrw_pool *arrw_pool_create(int helpers);
/* Runs fn(ctx, w) for w in 0..<workers: 0 on the calling thread, the next on helpers (workers
   beyond the team, or all of them while another caller's region runs, on the calling thread);
   returns when all are done. */
void arrw_pool_run(struct arrw_pool *pool, int workers, void (*fn)(void *, int), void *ctx);
/* The caller plus the helpers. */
int arrw_pool_threads(const struct arrw_pool *pool);
/* Stops and joins the helpers, then frees the pool. */
void arrw_pool_destroy(struct arrw_pool *pool);

/* CRC-32C of `length` bytes, continuing from `crc` (0 to start); hardware-accelerated on x86-64. */
uint32_t arrw_crc32c(uint32_t crc, const void *data, size_t length);

#endif
