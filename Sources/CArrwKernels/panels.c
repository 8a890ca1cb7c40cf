#include "arrw_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

/* The first pass of a screened exact scan: approximate scores of int8 rows laid out in panels
   of 16 rows (see arrw_kernels.h). With the rows side by side, one broadcast query component
   meets 16 rows at once and no row needs a horizontal sum, which is what makes short rows
   (50-d) slow in a row-by-row kernel; the codes are a quarter of a float row's bytes, which is
   what bounds long rows (384-d) in DRAM. */

/* Bit j of the mask: whether row j of the panel may reach `threshold` (see arrw_kernels.h). */
static inline int may_reach(float score, float scale, float bound, float weight, float threshold) {
    float dot = score * scale, reach = weight * bound;
    return dot + reach + (__builtin_fabsf(dot) + reach) * 0x1p-18f >= threshold;
}

void arrw_screen_panels_i8_portable(const float *q, const int8_t *panels, long panel_count, long dimension,
                                    const float *scales, const float *bounds, float weight, float threshold,
                                    float *scores, uint16_t *masks) {
    for (long b = 0; b < panel_count; b++) {
        const int8_t *panel = panels + b * dimension * ARRW_PANEL_ROWS;
        float sums[ARRW_PANEL_ROWS] = {0};
        for (long i = 0; i < dimension; i++) {
            const int8_t *codes = panel + i * ARRW_PANEL_ROWS;
            for (int j = 0; j < ARRW_PANEL_ROWS; j++) sums[j] += q[i] * (float)codes[j];
        }
        uint16_t mask = 0;
        for (int j = 0; j < ARRW_PANEL_ROWS; j++) {
            long row = b * ARRW_PANEL_ROWS + j;
            scores[row] = sums[j];
            if (may_reach(sums[j], scales[row], bounds[row], weight, threshold)) mask |= (uint16_t)(1u << j);
        }
        masks[b] = mask;
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static inline unsigned screen8(__m256 score, const float *scales, const float *bounds,
                                                                   __m256 weight, __m256 threshold) {
    __m256 dot = _mm256_mul_ps(score, _mm256_loadu_ps(scales));
    __m256 reach = _mm256_mul_ps(weight, _mm256_loadu_ps(bounds));
    __m256 magnitude = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), dot);
    __m256 slack = _mm256_mul_ps(_mm256_add_ps(magnitude, reach), _mm256_set1_ps(0x1p-18f));
    __m256 upper = _mm256_add_ps(_mm256_add_ps(dot, reach), slack);
    return (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(upper, threshold, _CMP_GE_OQ));
}

__attribute__((target("avx2,fma"))) static void screen_panels_i8_avx2(const float *q, const int8_t *panels,
                                                                       long panel_count, long dimension,
                                                                       const float *scales, const float *bounds,
                                                                       float weight, float threshold, float *scores,
                                                                       uint16_t *masks) {
    __m256 weights = _mm256_set1_ps(weight), thresholds = _mm256_set1_ps(threshold);
    for (long b = 0; b < panel_count; b++) {
        const int8_t *panel = panels + b * dimension * ARRW_PANEL_ROWS;
        __m256 low = _mm256_setzero_ps(), high = _mm256_setzero_ps();
        for (long i = 0; i < dimension; i++) {
            __m128i codes = _mm_loadu_si128((const __m128i *)(panel + i * ARRW_PANEL_ROWS));
            __m256 x = _mm256_broadcast_ss(q + i);
            low = _mm256_fmadd_ps(x, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(codes)), low);
            high = _mm256_fmadd_ps(x, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(codes, 8))), high);
        }
        long row = b * ARRW_PANEL_ROWS;
        _mm256_storeu_ps(scores + row, low);
        _mm256_storeu_ps(scores + row + 8, high);
        masks[b] = (uint16_t)(screen8(low, scales + row, bounds + row, weights, thresholds)
                              | screen8(high, scales + row + 8, bounds + row + 8, weights, thresholds) << 8);
    }
}
#endif

void arrw_screen_panels_i8(const float *q, const int8_t *panels, long panel_count, long dimension,
                           const float *scales, const float *bounds, float weight, float threshold, float *scores,
                           uint16_t *masks) {
#if defined(__x86_64__)
    static int has_avx2 = -1;
    if (has_avx2 < 0) {
        __builtin_cpu_init();
        has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
    }
    if (has_avx2) {
        screen_panels_i8_avx2(q, panels, panel_count, dimension, scales, bounds, weight, threshold, scores, masks);
        return;
    }
#endif
    arrw_screen_panels_i8_portable(q, panels, panel_count, dimension, scales, bounds, weight, threshold, scores,
                                   masks);
}
