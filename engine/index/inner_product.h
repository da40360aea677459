// Inner products for the vector index, the kernel chosen when the program starts. hnswlib picks
// its SIMD kernels when it is compiled, and Debian's baseline (x86-64 without AVX) leaves it at
// SSE, four floats a step; here the processor's widest (AVX-512, or AVX2 with FMA) is used when
// it has one, so a distribution build gets them too. Distances are most of the vector index's
// CPU, in searches and in adds (bench/RESULTS.md, "Efficiency, fourth part").
#pragma once

#include <QList>

#include <cstddef>

namespace rag::index {

struct InnerProductKernel {
    const char *name; // "avx512", "avx2", "portable"
    float (*dot)(const float *a, const float *b, size_t dimension);
    // hnswlib's distance signature: two vectors and a pointer to their dimension (a size_t);
    // returns 1 - their inner product.
    float (*distance)(const void *a, const void *b, const void *dimension);
};

// The widest kernel this processor runs.
const InnerProductKernel &bestInnerProductKernel();
// Every kernel this processor runs, the portable one first: the reference the others are
// tested against.
QList<InnerProductKernel> availableInnerProductKernels();

} // namespace rag::index
