// Approximate nearest-neighbour index over L2-normalised vectors (hnswlib, inner product),
// keyed by chunk id. Adds and searches may run from several threads at once.
#pragma once

#include "core/result.h"

#include <QList>
#include <QString>

#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>

namespace hnswlib {
template <typename T> class HierarchicalNSW;
template <typename T> class SpaceInterface;
} // namespace hnswlib

namespace rag::index {

struct Neighbor {
    qint64 id = 0;
    float similarity = 0; // inner product of unit vectors: cosine
};

struct VectorIndexOptions {
    int dimension = 256;
    int connections = 24;      // hnsw M
    int constructionEf = 100;  // hnsw ef_construction
    int searchEf = 256;        // lower bound of ef at query time
    // ef also grows with the index: at least size / efDivisor. Queries of a few words are far
    // from the chunk vectors the graph links, so large graphs need a wider search (measured in
    // bench/RESULTS.md: 1M chunks, ef 1024 -> recall@10 0.74, ef 8192 -> 0.97).
    int efDivisor = 128;
};

// A loaded graph's level-0 block is a private mapping of its file until the first add.
struct GraphDeleter {
    void *mapping = nullptr;
    size_t length = 0;
    void operator()(hnswlib::HierarchicalNSW<float> *graph) const;
};

class VectorIndex {
public:
    explicit VectorIndex(VectorIndexOptions options, size_t capacity = 1024);
    ~VectorIndex();
    VectorIndex(const VectorIndex &) = delete;
    VectorIndex &operator=(const VectorIndex &) = delete;

    static Result<std::unique_ptr<VectorIndex>> load(const QString &path, VectorIndexOptions options);
    struct Holdings;
    // Saves the graph and returns what the saved file holds, both under one lock: an add
    // between the two would stamp the file with a vector it lacks.
    Result<Holdings> save(const QString &path) const;

    void reserve(size_t capacity);
    void add(qint64 id, const float *vector);
    void remove(qint64 id);
    QList<Neighbor> search(const float *query, int k) const;
    // How many neighbours a search finds for the price of one: its ef before k widens it.
    int searchBreadth() const;
    // Inner product of the query with each stored vector; ids not in the index score 0.
    std::vector<float> similarities(const float *query, const QList<qint64> &ids) const;

    qint64 size() const;         // live vectors
    qint64 deletedCount() const;
    // What a saved index holds, to stamp its file with (VectorIndexStore): live vectors, the
    // largest id among them and the sum of their ids.
    struct Holdings {
        qint64 count = 0;
        qint64 maxId = 0;
        qint64 idSum = 0;
        bool operator==(const Holdings &) const = default;
    };
    qint64 insertions() const { return qint64(m_slotsTaken.load()); } // only grows
    int dimension() const { return m_options.dimension; }

    using GraphPtr = std::unique_ptr<hnswlib::HierarchicalNSW<float>, GraphDeleter>;

private:
    VectorIndex(VectorIndexOptions options, std::unique_ptr<hnswlib::SpaceInterface<float>> space, GraphPtr graph);
    void growLocked(size_t atLeast);
    Holdings holdingsLocked() const; // one pass over the ids; under the exclusive lock
    void copyOutOfFileLocked();

    VectorIndexOptions m_options;
    std::unique_ptr<hnswlib::SpaceInterface<float>> m_space;
    GraphPtr m_graph;
    // Shared for adds and searches (hnswlib locks those itself); exclusive for resize, delete, save.
    mutable std::shared_mutex m_mutex;
    // One add at a time: hnswlib 0.6 draws each new element's level from one unguarded random
    // generator. Searches still run beside an add.
    std::mutex m_addMutex;
    std::atomic<size_t> m_slotsTaken{0};
    std::atomic<qint64> m_deleted{0};
};

} // namespace rag::index
