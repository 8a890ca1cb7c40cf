#include "arrw_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

/* The first pass of a screened exact scan: approximate scores of int8 rows laid out in panels
   of 16 rows (see arrw_kernels.h). With the rows side by side, one broadcast query component
   meets 16 rows at once and no row needs a horizontal sum, which is what makes short rows
   (50-d) slow in a row-by-row kernel; the codes are a quarter of a float row's bytes, which is
   what bounds long rows (384-d) in DRAM. */

void arrw_dot_panels_i8_portable(const float *q, const int8_t *panels, long panel_count, long dimension,
                                 float *scores) {
    for (long b = 0; b < panel_count; b++) {
        const int8_t *panel = panels + b * dimension * ARRW_PANEL_ROWS;
        float sums[ARRW_PANEL_ROWS] = {0};
        for (long i = 0; i < dimension; i++) {
            const int8_t *codes = panel + i * ARRW_PANEL_ROWS;
            for (int j = 0; j < ARRW_PANEL_ROWS; j++) sums[j] += q[i] * (float)codes[j];
        }
        for (int j = 0; j < ARRW_PANEL_ROWS; j++) scores[b * ARRW_PANEL_ROWS + j] = sums[j];
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static void dot_panels_i8_avx2(const float *q, const int8_t *panels,
                                                                    long panel_count, long dimension,
                                                                    float *scores) {
    for (long b = 0; b < panel_count; b++) {
        const int8_t *panel = panels + b * dimension * ARRW_PANEL_ROWS;
        __m256 low = _mm256_setzero_ps(), high = _mm256_setzero_ps();
        for (long i = 0; i < dimension; i++) {
            __m128i codes = _mm_loadu_si128((const __m128i *)(panel + i * ARRW_PANEL_ROWS));
            __m256 x = _mm256_broadcast_ss(q + i);
            low = _mm256_fmadd_ps(x, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(codes)), low);
            high = _mm256_fmadd_ps(x, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(codes, 8))), high);
        }
        _mm256_storeu_ps(scores + b * ARRW_PANEL_ROWS, low);
        _mm256_storeu_ps(scores + b * ARRW_PANEL_ROWS + 8, high);
    }
}
#endif

void arrw_dot_panels_i8(const float *q, const int8_t *panels, long panel_count, long dimension, float *scores) {
#if defined(__x86_64__)
    static int has_avx2 = -1;
    if (has_avx2 < 0) {
        __builtin_cpu_init();
        has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
    }
    if (has_avx2) {
        dot_panels_i8_avx2(q, panels, panel_count, dimension, scores);
        return;
    }
#endif
    arrw_dot_panels_i8_portable(q, panels, panel_count, dimension, scores);
}
