#include "index/inner_product.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define RAGDESK_X86_KERNELS 1
#include <immintrin.h>
#endif

namespace rag::index {

namespace {

// Eight independent sums, so the compiler's vectoriser (SSE on the baseline) has no chain of
// dependent additions to wait on.
float portableDot(const float *a, const float *b, size_t dimension)
{
    float sums[8] = {};
    size_t i = 0;
    for (; i + 8 <= dimension; i += 8) {
        for (size_t j = 0; j < 8; ++j)
            sums[j] += a[i + j] * b[i + j];
    }
    float sum = ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]));
    for (; i < dimension; ++i)
        sum += a[i] * b[i];
    return sum;
}

#ifdef RAGDESK_X86_KERNELS
__attribute__((target("avx2"))) inline float sumOfLanes(__m256 sum)
{
    __m128 half = _mm_add_ps(_mm256_castps256_ps128(sum), _mm256_extractf128_ps(sum, 1));
    half = _mm_add_ps(half, _mm_movehl_ps(half, half));
    half = _mm_add_ss(half, _mm_movehdup_ps(half));
    return _mm_cvtss_f32(half);
}

__attribute__((target("avx2,fma"))) float avx2Dot(const float *a, const float *b, size_t dimension)
{
    __m256 sum0 = _mm256_setzero_ps();
    __m256 sum1 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= dimension; i += 16) {
        sum0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), sum0);
        sum1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), sum1);
    }
    for (; i + 8 <= dimension; i += 8)
        sum0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), sum0);
    float total = sumOfLanes(_mm256_add_ps(sum0, sum1));
    for (; i < dimension; ++i)
        total += a[i] * b[i];
    return total;
}

// GCC 12's AVX-512 headers fill unused lanes with _mm256_undefined_pd(), which its own
// -Wuninitialized then reports (GCC bug 105593, fixed in GCC 13).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized" // the same report, in an ASan build
#endif
__attribute__((target("avx512f"))) float avx512Dot(const float *a, const float *b, size_t dimension)
{
    __m512 sum0 = _mm512_setzero_ps();
    __m512 sum1 = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= dimension; i += 32) {
        sum0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), sum0);
        sum1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), sum1);
    }
    for (; i + 16 <= dimension; i += 16)
        sum0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), sum0);
    if (i < dimension) { // the last 1-15 floats, read under a mask: nothing past the end
        const __mmask16 rest = __mmask16((1u << (dimension - i)) - 1);
        sum1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(rest, a + i), _mm512_maskz_loadu_ps(rest, b + i), sum1);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(sum0, sum1));
}
#pragma GCC diagnostic pop
#endif

template <float (*Dot)(const float *, const float *, size_t)>
float distance(const void *a, const void *b, const void *dimension)
{
    return 1.0f - Dot(static_cast<const float *>(a), static_cast<const float *>(b),
                      *static_cast<const size_t *>(dimension));
}

QList<InnerProductKernel> detectKernels()
{
    QList<InnerProductKernel> kernels{{"portable", portableDot, distance<portableDot>}};
#ifdef RAGDESK_X86_KERNELS
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        kernels.append({"avx2", avx2Dot, distance<avx2Dot>});
    if (__builtin_cpu_supports("avx512f"))
        kernels.append({"avx512", avx512Dot, distance<avx512Dot>});
#endif
    return kernels;
}

} // namespace

QList<InnerProductKernel> availableInnerProductKernels()
{
    static const QList<InnerProductKernel> kernels = detectKernels();
    return kernels;
}

const InnerProductKernel &bestInnerProductKernel()
{
    static const InnerProductKernel best = availableInnerProductKernels().constLast();
    return best;
}

} // namespace rag::index
