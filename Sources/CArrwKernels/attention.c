#include "arrw_kernels.h"

#include <string.h>

/*
 * Scaled dot-product attention for one head of one sequence, as two products on the packed
 * GEMM: S = Q·Kᵀ (K packed as the "weights"), row-wise softmax(scale · S), then O = S·V (V
 * packed as the weights of a 32-wide output; for a head of 32 that packing is a copy of V's rows).
 */

long arrw_attention_scratch_size(int length, int head_size) {
    long panels_k = arrw_packed_size(length, head_size);
    long panels_v = arrw_packed_size(head_size, length);
    return panels_k + panels_v + (long)length * length;
}

void arrw_attention_head(const float *q, const float *k, const float *v, int ld, int length, int head_size,
                         float scale, float *out, int ld_out, float *scratch) {
    float *packed_k = scratch;
    float *packed_v = packed_k + arrw_packed_size(length, head_size);
    float *scores = packed_v + arrw_packed_size(head_size, length);
    arrw_pack_weights_strided(k, ld, length, head_size, packed_k);
    arrw_gemm_packed(length, length, head_size, q, ld, packed_k, NULL, scores, length);
    arrw_softmax_rows(scores, length, length, length, scale);
    /* Vᵀ packed: for input j (a token), the head_size values of V's row j, zero-padded to 32s. */
    int panels = (head_size + 31) / 32;
    for (int p = 0; p < panels; p++) {
        float *panel = packed_v + (long)p * 32 * length;
        int width = head_size - p * 32 < 32 ? head_size - p * 32 : 32;
        for (int j = 0; j < length; j++) {
            memcpy(panel + (long)j * 32, v + (long)j * ld + p * 32, (size_t)width * sizeof(float));
            if (width < 32) memset(panel + (long)j * 32 + width, 0, (size_t)(32 - width) * sizeof(float));
        }
    }
    arrw_gemm_packed(length, head_size, length, scores, length, packed_v, NULL, out, ld_out);
}
