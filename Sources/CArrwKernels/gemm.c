#include "arrw_kernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

/*
 * C = A · Wᵀ (+ bias) for a weight matrix W [n × k] in PyTorch's layout, packed once:
 * panel p holds columns 32p … 32p+31 of the product, stored k-major (for each of the k inputs,
 * the 32 weights of those columns side by side), so the micro-kernel streams one panel with
 * two 16-float loads per step. Rows of A are processed in blocks of ROW_BLOCK (kept in L2) and
 * tiles of at most 12 rows × 32 columns (24 AVX-512 accumulators); with AVX2 + FMA, tiles of
 * 6 rows × 16 columns (12 of the 16 ymm registers), two per panel, reading A packed six rows
 * side by side (one contiguous stream of broadcasts instead of six strided rows, which left the
 * compiler short of registers: 65-80 -> 90 GFLOPS on one Zen 3 core at 256 rows). The kernel is
 * chosen at run time (AVX-512, else AVX2 + FMA, else portable C); `arrw_gemm_packed_with` runs a chosen one,
 * so tests check each against a scalar reference.
 */

enum { PANEL = 32, TILE_ROWS = 12, ROW_BLOCK = 96, AVX2_TILE_ROWS = 6 };

long arrw_packed_size(int n, int k) {
    return (long)((n + PANEL - 1) / PANEL) * PANEL * k;
}

void arrw_pack_weights(const float *w, int n, int k, float *packed) {
    arrw_pack_weights_strided(w, k, n, k, packed);
}

void arrw_pack_weights_strided(const float *w, int ldw, int n, int k, float *packed) {
    int panels = (n + PANEL - 1) / PANEL;
    for (int p = 0; p < panels; p++) {
        float *out = packed + (long)p * PANEL * k;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < PANEL; j++) {
                int column = p * PANEL + j;
                out[(long)i * PANEL + j] = column < n ? w[(long)column * ldw + i] : 0.0f;
            }
        }
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f"), always_inline)) static inline void
tile_avx512(const int rows, int k, const float *a, int lda, const float *panel, const float *bias, float *c, int ldc,
            int columns) {
    __m512 acc[TILE_ROWS][2];
    for (int r = 0; r < rows; r++) {
        acc[r][0] = _mm512_setzero_ps();
        acc[r][1] = _mm512_setzero_ps();
    }
    for (int i = 0; i < k; i++) {
        __m512 b0 = _mm512_loadu_ps(panel + (long)i * PANEL);
        __m512 b1 = _mm512_loadu_ps(panel + (long)i * PANEL + 16);
        for (int r = 0; r < rows; r++) {
            __m512 x = _mm512_set1_ps(a[(long)r * lda + i]);
            acc[r][0] = _mm512_fmadd_ps(x, b0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(x, b1, acc[r][1]);
        }
    }
    __m512 bias0 = bias ? _mm512_loadu_ps(bias) : _mm512_setzero_ps();
    __m512 bias1 = bias ? _mm512_loadu_ps(bias + 16) : _mm512_setzero_ps();
    __mmask16 mask0 = columns >= 16 ? 0xFFFF : (__mmask16)((1u << columns) - 1);
    __mmask16 mask1 = columns >= 32 ? 0xFFFF : (columns <= 16 ? 0 : (__mmask16)((1u << (columns - 16)) - 1));
    for (int r = 0; r < rows; r++) {
        _mm512_mask_storeu_ps(c + (long)r * ldc, mask0, _mm512_add_ps(acc[r][0], bias0));
        _mm512_mask_storeu_ps(c + (long)r * ldc + 16, mask1, _mm512_add_ps(acc[r][1], bias1));
    }
}

/* The tiles of one ROW_BLOCK × 32-column panel: 12-row AVX-512 tiles. */
__attribute__((target("avx512f"))) static void panel_avx512(int block, int k, const float *a, int lda, const float *panel,
                                                            const float *bias, float *c, int ldc, int columns) {
    for (int row = 0; row < block; row += TILE_ROWS) {
        int rows = block - row < TILE_ROWS ? block - row : TILE_ROWS;
        const float *tile_a = a + (long)row * lda;
        float *tile_c = c + (long)row * ldc;
        switch (rows) {
#define CASE(R) case R: tile_avx512(R, k, tile_a, lda, panel, bias, tile_c, ldc, columns); break;
            CASE(1) CASE(2) CASE(3) CASE(4) CASE(5) CASE(6) CASE(7) CASE(8) CASE(9) CASE(10) CASE(11) CASE(12)
#undef CASE
        }
    }
}
#endif

/* Portable tile: the same loop order in plain C; compiled for AVX2 and baseline by target_clones. */
#if defined(__x86_64__) && !defined(__APPLE__)
__attribute__((target_clones("arch=x86-64-v3", "default")))
#endif
static void gemm_portable(int m, int n, int k, const float *a, int lda, const float *packed, const float *bias, float *c,
                          int ldc) {
    int panels = (n + PANEL - 1) / PANEL;
    for (int row = 0; row < m; row += 4) {
        int rows = m - row < 4 ? m - row : 4;
        for (int p = 0; p < panels; p++) {
            const float *panel = packed + (long)p * PANEL * k;
            float acc[4][PANEL];
            memset(acc, 0, sizeof acc);
            for (int i = 0; i < k; i++) {
                const float *w = panel + (long)i * PANEL;
                for (int r = 0; r < rows; r++) {
                    float x = a[(long)(row + r) * lda + i];
                    for (int j = 0; j < PANEL; j++) acc[r][j] += x * w[j];
                }
            }
            int columns = n - p * PANEL < PANEL ? n - p * PANEL : PANEL;
            for (int r = 0; r < rows; r++) {
                float *out = c + (long)(row + r) * ldc + p * PANEL;
                for (int j = 0; j < columns; j++) out[j] = acc[r][j] + (bias ? bias[p * PANEL + j] : 0.0f);
            }
        }
    }
}

#if defined(__x86_64__)
/* A block of `block` rows of `a` packed for the AVX2 tiles: each 6 rows k-major (for each input
   i, the rows' values side by side, zero-padded to 6), so a tile's broadcasts read one
   contiguous stream; tile t starts at out + 6·t·k. */
static void pack_block_avx2(int block, int k, const float *a, int lda, float *out) {
    for (int row = 0; row < block; row += AVX2_TILE_ROWS) {
        int rows = block - row < AVX2_TILE_ROWS ? block - row : AVX2_TILE_ROWS;
        for (int i = 0; i < k; i++) {
            for (int r = 0; r < AVX2_TILE_ROWS; r++) {
                out[(long)row * k + (long)i * AVX2_TILE_ROWS + r] = r < rows ? a[(long)(row + r) * lda + i] : 0.0f;
            }
        }
    }
}

__attribute__((target("avx2,fma"), always_inline)) static inline void
tile_avx2(const int rows, int k, const float *packed_a, const float *half, const float *bias, float *c, int ldc,
          int columns) {
    __m256 acc[AVX2_TILE_ROWS][2];
    for (int r = 0; r < rows; r++) {
        acc[r][0] = _mm256_setzero_ps();
        acc[r][1] = _mm256_setzero_ps();
    }
    for (int i = 0; i < k; i++) {
        __m256 b0 = _mm256_loadu_ps(half + (long)i * PANEL);
        __m256 b1 = _mm256_loadu_ps(half + (long)i * PANEL + 8);
        for (int r = 0; r < rows; r++) {
            __m256 x = _mm256_broadcast_ss(packed_a + (long)i * AVX2_TILE_ROWS + r);
            acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
        }
    }
    __m256 bias0 = bias ? _mm256_loadu_ps(bias) : _mm256_setzero_ps();
    __m256 bias1 = bias ? _mm256_loadu_ps(bias + 8) : _mm256_setzero_ps();
    for (int r = 0; r < rows; r++) {
        __m256 out0 = _mm256_add_ps(acc[r][0], bias0);
        __m256 out1 = _mm256_add_ps(acc[r][1], bias1);
        if (columns == 16) {
            _mm256_storeu_ps(c + (long)r * ldc, out0);
            _mm256_storeu_ps(c + (long)r * ldc + 8, out1);
        } else {
            float staged[16];
            _mm256_storeu_ps(staged, out0);
            _mm256_storeu_ps(staged + 8, out1);
            memcpy(c + (long)r * ldc, staged, (size_t)columns * sizeof(float));
        }
    }
}

/* The tiles of one ROW_BLOCK × 32-column panel: each 16-column half in 6-row AVX2 tiles, over
   the block's rows as pack_block_avx2 packed them (`lda` unused). */
__attribute__((target("avx2,fma"))) static void panel_avx2(int block, int k, const float *packed_a, int lda,
                                                          const float *panel, const float *bias, float *c, int ldc,
                                                          int columns) {
    (void)lda;
    for (int h = 0; h < 2 && columns > 16 * h; h++) {
        int width = columns - 16 * h < 16 ? columns - 16 * h : 16;
        for (int row = 0; row < block; row += AVX2_TILE_ROWS) {
            int rows = block - row < AVX2_TILE_ROWS ? block - row : AVX2_TILE_ROWS;
            const float *tile_a = packed_a + (long)row * k;
            float *tile_c = c + (long)row * ldc + 16 * h;
            const float *half_bias = bias ? bias + 16 * h : NULL;
            switch (rows) {
#define CASE(R) case R: tile_avx2(R, k, tile_a, panel + 16 * h, half_bias, tile_c, ldc, width); break;
                CASE(1) CASE(2) CASE(3) CASE(4) CASE(5) CASE(6)
#undef CASE
            }
        }
    }
}
#endif

/* One ROW_BLOCK × 32-column panel's tiles, by a SIMD kernel: rows of `a` from its first (or the
   block as the kernel's packer left it), `c` at the panel's first column, `bias` the panel's 32
   values padded with zeros (or NULL). */
typedef void (*panel_kernel)(int block, int k, const float *a, int lda, const float *panel, const float *bias, float *c,
                             int ldc, int columns);
/* Packs a block of rows of `a` into `out` (ROW_BLOCK rounded up to a tile, × k floats). */
typedef void (*block_packer)(int block, int k, const float *a, int lda, float *out);

#if defined(__x86_64__)
/* The SIMD kernels' shared loop: rows in blocks of ROW_BLOCK (kept in L2), each block packed
   first when the kernel has a packer, then each panel. */
static void gemm_blocked(int m, int n, int k, const float *a, int lda, const float *packed, const float *bias, float *c,
                         int ldc, panel_kernel kernel, block_packer pack) {
    int panels = (n + PANEL - 1) / PANEL;
    float padded_bias[PANEL];
    int first_block = m < ROW_BLOCK ? m : ROW_BLOCK;
    float *packed_a = pack ? malloc(sizeof(float) * (size_t)(first_block + TILE_ROWS) * (size_t)k) : NULL;
    if (pack && !packed_a) {
        gemm_portable(m, n, k, a, lda, packed, bias, c, ldc);
        return;
    }
    for (int start = 0; start < m; start += ROW_BLOCK) {
        int block = m - start < ROW_BLOCK ? m - start : ROW_BLOCK;
        const float *block_a = a + (long)start * lda;
        if (pack) {
            pack(block, k, block_a, lda, packed_a);
            block_a = packed_a;
        }
        for (int p = 0; p < panels; p++) {
            int columns = n - p * PANEL < PANEL ? n - p * PANEL : PANEL;
            const float *panel_bias = NULL;
            if (bias) {
                memset(padded_bias, 0, sizeof padded_bias);
                memcpy(padded_bias, bias + p * PANEL, (size_t)columns * sizeof(float));
                panel_bias = padded_bias;
            }
            kernel(block, k, block_a, lda, packed + (long)p * PANEL * k, panel_bias, c + (long)start * ldc + p * PANEL, ldc,
                   columns);
        }
    }
    free(packed_a);
}
#endif

static int best_kernel = -1;

static int kernel_supported(int kernel) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    switch (kernel) {
    case ARRW_GEMM_AVX512: return __builtin_cpu_supports("avx512f");
    case ARRW_GEMM_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    default: return kernel == ARRW_GEMM_PORTABLE;
    }
#else
    return kernel == ARRW_GEMM_PORTABLE;
#endif
}

int arrw_gemm_kernel(void) {
    if (best_kernel < 0) {
        best_kernel = kernel_supported(ARRW_GEMM_AVX512) ? ARRW_GEMM_AVX512
                      : kernel_supported(ARRW_GEMM_AVX2) ? ARRW_GEMM_AVX2
                                                         : ARRW_GEMM_PORTABLE;
    }
    return best_kernel;
}

int arrw_gemm_uses_avx512(void) {
    return arrw_gemm_kernel() == ARRW_GEMM_AVX512;
}

int arrw_gemm_packed_with(int kernel, int m, int n, int k, const float *a, int lda, const float *packed, const float *bias,
                          float *c, int ldc) {
    if (!kernel_supported(kernel)) return 0;
    if (m <= 0 || n <= 0) return 1;
    switch (kernel) {
#if defined(__x86_64__)
    case ARRW_GEMM_AVX512: gemm_blocked(m, n, k, a, lda, packed, bias, c, ldc, panel_avx512, NULL); break;
    case ARRW_GEMM_AVX2: gemm_blocked(m, n, k, a, lda, packed, bias, c, ldc, panel_avx2, pack_block_avx2); break;
#endif
    default: gemm_portable(m, n, k, a, lda, packed, bias, c, ldc); break;
    }
    return 1;
}

void arrw_gemm_packed(int m, int n, int k, const float *a, int lda, const float *packed, const float *bias, float *c,
                      int ldc) {
    arrw_gemm_packed_with(arrw_gemm_kernel(), m, n, k, a, lda, packed, bias, c, ldc);
}
