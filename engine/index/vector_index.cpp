#include "index/vector_index.h"

#include "core/logging.h"
#include "index/builtin_embedder.h"

#include <QFile>
#include <QSaveFile>

#include <hnswlib/hnswlib.h>

#include <mutex>

namespace rag::index {

namespace {
constexpr size_t kRandomSeed = 100;
}

VectorIndex::VectorIndex(VectorIndexOptions options, size_t capacity)
    : m_options(options), m_space(std::make_unique<hnswlib::InnerProductSpace>(size_t(options.dimension)))
{
    m_graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(m_space.get(), std::max<size_t>(capacity, 16),
                                                               size_t(options.connections),
                                                               size_t(options.constructionEf), kRandomSeed);
    m_graph->setEf(size_t(options.searchEf));
}

VectorIndex::VectorIndex(VectorIndexOptions options, std::unique_ptr<hnswlib::InnerProductSpace> space,
                         std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph)
    : m_options(options), m_space(std::move(space)), m_graph(std::move(graph))
{
    m_graph->setEf(size_t(options.searchEf));
    m_slotsTaken = m_graph->cur_element_count;
    // hnswlib 0.6's loadIndex counts deleted elements into num_deleted_ without zeroing it first.
    size_t deleted = 0;
    for (size_t i = 0; i < m_graph->cur_element_count; ++i)
        deleted += m_graph->isMarkedDeleted(hnswlib::tableint(i)) ? 1 : 0;
    m_graph->num_deleted_ = deleted;
    m_deleted = qint64(deleted);
}

VectorIndex::~VectorIndex() = default;

Result<std::unique_ptr<VectorIndex>> VectorIndex::load(const QString &path, VectorIndexOptions options)
{
    if (!QFile::exists(path))
        return fail(QStringLiteral("no vector index at %1").arg(path));
    auto space = std::make_unique<hnswlib::InnerProductSpace>(size_t(options.dimension));
    try {
        auto graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(space.get(), path.toStdString());
        if (graph->label_offset_ - graph->offsetData_ != space->get_data_size())
            return fail(QStringLiteral("the vector index %1 has another dimension").arg(path));
        return std::unique_ptr<VectorIndex>(new VectorIndex(options, std::move(space), std::move(graph)));
    } catch (const std::exception &e) {
        return fail(QStringLiteral("the vector index %1 is unreadable: %2").arg(path, QString::fromUtf8(e.what())));
    }
}

Result<void> VectorIndex::save(const QString &path) const
{
    std::unique_lock lock(m_mutex);
    // Write beside the target and rename, so a crash mid-save leaves the old index intact.
    const QString temporary = path + QStringLiteral(".tmp");
    try {
        m_graph->saveIndex(temporary.toStdString());
    } catch (const std::exception &e) {
        return fail(QStringLiteral("cannot save the vector index: %1").arg(QString::fromUtf8(e.what())));
    }
    QFile::remove(path);
    if (!QFile::rename(temporary, path))
        return fail(QStringLiteral("cannot move the vector index into place at %1").arg(path));
    return {};
}

void VectorIndex::growLocked(size_t atLeast)
{
    size_t capacity = m_graph->max_elements_;
    if (atLeast <= capacity)
        return;
    while (capacity < atLeast)
        capacity *= 2;
    m_graph->resizeIndex(capacity);
}

void VectorIndex::reserve(size_t capacity)
{
    std::unique_lock lock(m_mutex);
    growLocked(capacity);
}

void VectorIndex::add(qint64 id, const float *vector)
{
    {
        std::shared_lock lock(m_mutex);
        if (m_slotsTaken.fetch_add(1) < m_graph->max_elements_) {
            m_graph->addPoint(vector, hnswlib::labeltype(id));
            return;
        }
        m_slotsTaken.fetch_sub(1);
    }
    std::unique_lock lock(m_mutex);
    growLocked(m_slotsTaken + 1);
    ++m_slotsTaken;
    m_graph->addPoint(vector, hnswlib::labeltype(id));
}

void VectorIndex::remove(qint64 id)
{
    std::unique_lock lock(m_mutex);
    try {
        m_graph->markDelete(hnswlib::labeltype(id));
        ++m_deleted;
    } catch (const std::exception &) {
        // Not in the index (or already deleted): nothing to remove.
    }
}

QList<Neighbor> VectorIndex::search(const float *query, int k) const
{
    QList<Neighbor> result;
    if (k <= 0)
        return result;
    std::shared_lock lock(m_mutex);
    // hnswlib searches with max(its ef, k); asking for ef results and keeping the best k is the
    // thread-safe way to widen one search.
    const size_t ef = std::max(size_t(k), size_t(searchBreadth()));
    auto queue = m_graph->searchKnn(query, ef);
    while (queue.size() > size_t(k))
        queue.pop();
    result.resize(qsizetype(queue.size()));
    // The queue pops the farthest first.
    for (qsizetype i = result.size() - 1; i >= 0; --i) {
        result[i] = {qint64(queue.top().second), 1.0f - queue.top().first};
        queue.pop();
    }
    return result;
}

std::vector<float> VectorIndex::similarities(const float *query, const QList<qint64> &ids) const
{
    std::vector<float> scores(size_t(ids.size()), 0.0f);
    std::vector<hnswlib::tableint> internal(size_t(ids.size()));
    std::vector<bool> present(size_t(ids.size()), false);
    std::shared_lock lock(m_mutex);
    {
        // hnswlib guards its label map with this mutex while adding.
        std::unique_lock labels(m_graph->cur_element_count_guard_);
        for (qsizetype i = 0; i < ids.size(); ++i) {
            const auto found = m_graph->label_lookup_.find(hnswlib::labeltype(ids.at(i)));
            if (found != m_graph->label_lookup_.end()) {
                internal[size_t(i)] = found->second;
                present[size_t(i)] = true;
            }
        }
    }
    // The index's own SIMD inner product, so these agree with the similarities search returns.
    const auto distance = m_space->get_dist_func();
    const void *dimension = m_space->get_dist_func_param();
    for (size_t i = 0; i < scores.size(); ++i) {
        if (present[i])
            scores[i] = 1.0f - distance(query, m_graph->getDataByInternalId(internal[i]), dimension);
    }
    return scores;
}

int VectorIndex::searchBreadth() const
{
    return int(std::max(size_t(m_options.searchEf), m_slotsTaken.load() / size_t(std::max(1, m_options.efDivisor))));
}

qint64 VectorIndex::size() const
{
    std::shared_lock lock(m_mutex);
    return qint64(m_graph->cur_element_count) - m_deleted;
}

qint64 VectorIndex::deletedCount() const
{
    return m_deleted;
}

} // namespace rag::index
