#include "index/vector_index.h"

#include "core/logging.h"
#include "index/builtin_embedder.h"
#include "index/inner_product.h"

#include <QFile>
#include <QSaveFile>

#include <sys/mman.h>
#include <unistd.h>

#include <hnswlib/hnswlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>

namespace rag::index {

namespace {

constexpr size_t kRandomSeed = 100;

using Graph = hnswlib::HierarchicalNSW<float>;

// hnswlib's space over the inner-product kernel chosen at start-up (index/inner_product.h).
class InnerProductSpace final : public hnswlib::SpaceInterface<float> {
public:
    explicit InnerProductSpace(size_t dimension) : m_dimension(dimension) {}
    size_t get_data_size() override { return m_dimension * sizeof(float); }
    hnswlib::DISTFUNC<float> get_dist_func() override { return bestInnerProductKernel().distance; }
    void *get_dist_func_param() override { return &m_dimension; }

private:
    size_t m_dimension;
};

// saveIndex() writes these fields one after the other, each as its raw bytes, no padding.
struct Header {
    size_t offsetLevel0 = 0;
    size_t maxElements = 0;
    size_t count = 0;
    size_t sizeDataPerElement = 0;
    size_t labelOffset = 0;
    size_t offsetData = 0;
    int maxLevel = 0;
    hnswlib::tableint enterPoint = 0;
    size_t maxM = 0;
    size_t maxM0 = 0;
    size_t m = 0;
    double mult = 0;
    size_t efConstruction = 0;
};

class Cursor {
public:
    explicit Cursor(const QByteArray &bytes) : m_bytes(bytes) {}
    template <typename T> bool read(T &value)
    {
        if (m_bytes.size() - m_at < qsizetype(sizeof(T)))
            return false;
        std::memcpy(&value, m_bytes.constData() + m_at, sizeof(T));
        m_at += qsizetype(sizeof(T));
        return true;
    }
    const char *take(qsizetype size)
    {
        if (size < 0 || m_bytes.size() - m_at < size)
            return nullptr;
        const char *at = m_bytes.constData() + m_at;
        m_at += size;
        return at;
    }
    bool atEnd() const { return m_at == m_bytes.size(); }

private:
    const QByteArray &m_bytes;
    qsizetype m_at = 0;
};

constexpr qsizetype kHeaderBytes = 6 * sizeof(size_t) + sizeof(int) + sizeof(hnswlib::tableint) + 3 * sizeof(size_t) +
                                   sizeof(double) + sizeof(size_t);

bool readHeader(const QByteArray &bytes, Header &h)
{
    Cursor in(bytes);
    return in.read(h.offsetLevel0) && in.read(h.maxElements) && in.read(h.count) && in.read(h.sizeDataPerElement) &&
           in.read(h.labelOffset) && in.read(h.offsetData) && in.read(h.maxLevel) && in.read(h.enterPoint) &&
           in.read(h.maxM) && in.read(h.maxM0) && in.read(h.m) && in.read(h.mult) && in.read(h.efConstruction);
}

// The layout hnswlib derives from M and the dimension; a header that disagrees is not ours.
QString layoutError(const Header &h, size_t dataSize)
{
    if (h.m == 0 || h.m > 10000 || h.maxM != h.m || h.maxM0 != 2 * h.m)
        return QStringLiteral("its connection counts are inconsistent");
    const size_t level0Links = h.maxM0 * sizeof(hnswlib::tableint) + sizeof(hnswlib::linklistsizeint);
    if (h.offsetLevel0 != 0 || h.offsetData != level0Links)
        return QStringLiteral("its element layout is not hnswlib's");
    if (h.labelOffset != h.offsetData + dataSize ||
        h.sizeDataPerElement != level0Links + dataSize + sizeof(hnswlib::labeltype))
        return QStringLiteral("it holds vectors of another dimension");
    if (h.count > h.maxElements || h.count > (size_t(1) << 32) - 1)
        return QStringLiteral("its element count is out of range");
    if (h.count > 0 && (h.enterPoint >= h.count || h.maxLevel < 0 || h.maxLevel > 64))
        return QStringLiteral("its entry point is out of range");
    if (!(h.mult > 0) || h.mult > 1)
        return QStringLiteral("its level multiplier is out of range");
    return {};
}

// A link list: its count in the low 16 bits of the first word, then that many node ids.
bool linksValid(const char *list, size_t maxLinks, size_t count)
{
    unsigned short links = 0;
    std::memcpy(&links, list, sizeof(links));
    if (links > maxLinks)
        return false;
    for (size_t j = 0; j < links; ++j) {
        hnswlib::tableint id = 0;
        std::memcpy(&id, list + sizeof(hnswlib::linklistsizeint) + j * sizeof(hnswlib::tableint), sizeof(id));
        if (id >= count)
            return false;
    }
    return true;
}

// Reads a graph saved by hnswlib 0.6's saveIndex(), checking every link in it. Its level-0 block
// (links, vectors and labels: nearly all of the file) is mapped copy-on-write, not read:
// hnswlib's own loadIndex() reads it into fresh memory after seeking its std::ifstream once per
// element, which made a cold `ragdesk search` on 21,000 chunks cost 0.3 s (docs/search.md). A
// file that is truncated, has another dimension or links to nodes it does not hold is an error,
// never a graph a search could walk out of bounds in. (This lives here because hnswlib 0.6
// defines functions in its headers: only one file of a program may include them.)
Result<VectorIndex::GraphPtr> readHnswGraph(const QString &path, hnswlib::SpaceInterface<float> *space)
{
    const auto unreadable = [&path](const QString &why) {
        return fail(QStringLiteral("the vector index %1 is unreadable: %2").arg(path, why));
    };
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot open the vector index %1: %2").arg(path, file.errorString()));
    Header h;
    if (!readHeader(file.read(kHeaderBytes), h))
        return unreadable(QStringLiteral("it ends inside its header"));
    if (QString why = layoutError(h, space->get_data_size()); !why.isEmpty())
        return unreadable(why);
    const qint64 level0Bytes = qint64(h.count * h.sizeDataPerElement);
    if (file.size() - kHeaderBytes < level0Bytes + qint64(h.count * sizeof(unsigned int)))
        return unreadable(QStringLiteral("it is shorter than its %1 elements need").arg(h.count));

    // From here on the graph owns what is allocated; its deleter frees what is set so far.
    VectorIndex::GraphPtr graph(new Graph(space));
    graph->data_level0_memory_ = nullptr;
    graph->linkLists_ = nullptr;
    graph->visited_list_pool_ = nullptr;
    graph->cur_element_count = 0;
    // Exactly what the file holds: the first add copies the block out (VectorIndex::growLocked).
    const size_t capacity = std::max<size_t>(h.count, 1);
    if (h.count > 0) {
        const size_t length = size_t(kHeaderBytes + level0Bytes);
        void *mapped = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE, file.handle(), 0);
        if (mapped == MAP_FAILED)
            return fail(QStringLiteral("cannot map the vector index %1: %2").arg(path, qt_error_string(errno)));
        graph.get_deleter().mapping = mapped;
        graph.get_deleter().length = length;
        graph->data_level0_memory_ = static_cast<char *>(mapped) + kHeaderBytes;
    } else {
        graph->data_level0_memory_ = static_cast<char *>(std::malloc(capacity * h.sizeDataPerElement));
    }
    graph->linkLists_ = static_cast<char **>(std::calloc(capacity, sizeof(void *)));
    if (!graph->data_level0_memory_ || !graph->linkLists_)
        return fail(QStringLiteral("not enough memory to load the vector index %1").arg(path));
    if (!file.seek(kHeaderBytes + level0Bytes))
        return unreadable(file.errorString());
    const QByteArray upper = file.readAll();

    graph->max_elements_ = capacity;
    graph->offsetLevel0_ = h.offsetLevel0;
    graph->size_data_per_element_ = h.sizeDataPerElement;
    graph->label_offset_ = h.labelOffset;
    graph->offsetData_ = h.offsetData;
    graph->maxlevel_ = h.maxLevel;
    graph->enterpoint_node_ = h.count > 0 ? h.enterPoint : hnswlib::tableint(-1);
    graph->maxM_ = h.maxM;
    graph->maxM0_ = h.maxM0;
    graph->M_ = h.m;
    graph->mult_ = h.mult;
    graph->revSize_ = 1.0 / h.mult;
    graph->ef_construction_ = h.efConstruction;
    graph->ef_ = 10;
    graph->num_deleted_ = 0;
    graph->data_size_ = space->get_data_size();
    graph->fstdistfunc_ = space->get_dist_func();
    graph->dist_func_param_ = space->get_dist_func_param();
    graph->size_links_level0_ = h.maxM0 * sizeof(hnswlib::tableint) + sizeof(hnswlib::linklistsizeint);
    graph->size_links_per_element_ = h.maxM * sizeof(hnswlib::tableint) + sizeof(hnswlib::linklistsizeint);
    graph->element_levels_.assign(capacity, 0);
    std::vector<std::mutex>(capacity).swap(graph->link_list_locks_);
    std::vector<std::mutex>(Graph::max_update_element_locks).swap(graph->link_list_update_locks_);
    graph->visited_list_pool_ = new hnswlib::VisitedListPool(1, int(capacity));
    graph->label_lookup_.reserve(h.count);

    Cursor in(upper);
    for (size_t i = 0; i < h.count; ++i) {
        // Counted before it is filled, so the destructor frees exactly what was allocated.
        graph->cur_element_count = i + 1;
        unsigned int upperBytes = 0;
        if (!in.read(upperBytes))
            return unreadable(QStringLiteral("it ends inside element %1's links").arg(i));
        if (upperBytes % graph->size_links_per_element_ != 0 ||
            upperBytes / graph->size_links_per_element_ > size_t(h.maxLevel))
            return unreadable(QStringLiteral("element %1 has links on levels the graph does not have").arg(i));
        const int levels = int(upperBytes / graph->size_links_per_element_);
        if (levels > 0) {
            const char *links = in.take(upperBytes);
            if (!links)
                return unreadable(QStringLiteral("it ends inside element %1's links").arg(i));
            graph->linkLists_[i] = static_cast<char *>(std::malloc(upperBytes));
            if (!graph->linkLists_[i])
                return fail(QStringLiteral("not enough memory to load the vector index %1").arg(path));
            std::memcpy(graph->linkLists_[i], links, upperBytes);
            graph->element_levels_[i] = levels;
            for (int level = 1; level <= levels; ++level) {
                if (!linksValid(reinterpret_cast<const char *>(graph->get_linklist(hnswlib::tableint(i), level)), h.maxM,
                                h.count))
                    return unreadable(QStringLiteral("element %1 links to a node it does not hold").arg(i));
            }
        }
        if (!linksValid(reinterpret_cast<const char *>(graph->get_linklist0(hnswlib::tableint(i))), h.maxM0, h.count))
            return unreadable(QStringLiteral("element %1 links to a node it does not hold").arg(i));
        graph->label_lookup_[graph->getExternalLabel(hnswlib::tableint(i))] = hnswlib::tableint(i);
        if (graph->isMarkedDeleted(hnswlib::tableint(i)))
            ++graph->num_deleted_;
    }
    if (!in.atEnd())
        return unreadable(QStringLiteral("it has bytes after its last element"));
    if (h.count > 0 && graph->element_levels_[h.enterPoint] != h.maxLevel)
        return unreadable(QStringLiteral("its entry point is not on its top level"));
    return graph;
}

} // namespace

VectorIndex::VectorIndex(VectorIndexOptions options, size_t capacity)
    : m_options(options), m_space(std::make_unique<InnerProductSpace>(size_t(options.dimension)))
{
    m_graph.reset(new hnswlib::HierarchicalNSW<float>(m_space.get(), std::max<size_t>(capacity, 16),
                                                      size_t(options.connections), size_t(options.constructionEf),
                                                      kRandomSeed));
    m_graph->setEf(size_t(options.searchEf));
}

VectorIndex::VectorIndex(VectorIndexOptions options, std::unique_ptr<hnswlib::SpaceInterface<float>> space,
                         GraphPtr graph)
    : m_options(options), m_space(std::move(space)), m_graph(std::move(graph))
{
    m_graph->setEf(size_t(options.searchEf));
    m_slotsTaken = m_graph->cur_element_count;
    m_deleted = qint64(m_graph->num_deleted_);
}

VectorIndex::~VectorIndex() = default;

void GraphDeleter::operator()(hnswlib::HierarchicalNSW<float> *graph) const
{
    if (mapping && graph)
        graph->data_level0_memory_ = nullptr; // not hnswlib's to free()
    delete graph;
    if (mapping)
        ::munmap(mapping, length);
}

void VectorIndex::copyOutOfFileLocked()
{
    GraphDeleter &deleter = m_graph.get_deleter();
    if (!deleter.mapping)
        return;
    // hnswlib grows the block with realloc(): it must be malloc()'s from here on.
    const size_t bytes = m_graph->max_elements_ * m_graph->size_data_per_element_;
    char *copy = static_cast<char *>(std::malloc(std::max<size_t>(bytes, 1)));
    if (!copy)
        throw std::bad_alloc();
    std::memcpy(copy, m_graph->data_level0_memory_, m_graph->cur_element_count * m_graph->size_data_per_element_);
    m_graph->data_level0_memory_ = copy;
    ::munmap(deleter.mapping, deleter.length);
    deleter.mapping = nullptr;
    deleter.length = 0;
}

Result<std::unique_ptr<VectorIndex>> VectorIndex::load(const QString &path, VectorIndexOptions options)
{
    if (!QFile::exists(path))
        return fail(QStringLiteral("no vector index at %1").arg(path));
    auto space = std::make_unique<InnerProductSpace>(size_t(options.dimension));
    auto graph = readHnswGraph(path, space.get());
    if (!graph)
        return fail(graph.error());
    return std::unique_ptr<VectorIndex>(new VectorIndex(options, std::move(space), std::move(*graph)));
}

Result<VectorIndex::Holdings> VectorIndex::save(const QString &path) const
{
    std::unique_lock lock(m_mutex);
    // Write beside the target, check that every byte got there, flush it to the disk, and only
    // then rename it over the old index: a crash, a full disk or an unwritable folder leaves the
    // old index whole. hnswlib writes through a std::ofstream whose failures it never checks, so
    // the file's size is compared with what saveIndex() writes.
    const QString temporary = path + QStringLiteral(".tmp");
    const auto discard = [&temporary](const QString &why) {
        QFile::remove(temporary);
        return fail(QStringLiteral("cannot save the vector index: %1").arg(why));
    };
    try {
        m_graph->saveIndex(temporary.toStdString());
    } catch (const std::exception &e) {
        return discard(QString::fromUtf8(e.what()));
    }
    qint64 expected = kHeaderBytes + qint64(m_graph->cur_element_count * m_graph->size_data_per_element_);
    for (size_t i = 0; i < m_graph->cur_element_count; ++i) {
        const int level = m_graph->element_levels_[i];
        expected += qint64(sizeof(unsigned int)) + (level > 0 ? qint64(m_graph->size_links_per_element_) * level : 0);
    }
    QFile written(temporary);
    if (written.size() != expected)
        return discard(QStringLiteral("%1 holds %2 of its %3 bytes (is the disk full?)").arg(temporary).arg(written.size()).arg(expected));
    if (!written.open(QIODevice::ReadWrite) || ::fsync(written.handle()) != 0)
        return discard(QStringLiteral("cannot flush %1 to the disk").arg(temporary));
    written.close();
    if (::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(path).constData()) != 0) // replaces at once
        return discard(QStringLiteral("cannot move it into place at %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    return holdingsLocked();
}

void VectorIndex::growLocked(size_t atLeast)
{
    size_t capacity = m_graph->max_elements_;
    if (atLeast <= capacity)
        return;
    copyOutOfFileLocked();
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
            const std::lock_guard adding(m_addMutex);
            m_graph->addPoint(vector, hnswlib::labeltype(id));
            return;
        }
        m_slotsTaken.fetch_sub(1);
    }
    std::unique_lock lock(m_mutex);
    growLocked(m_slotsTaken + 1);
    ++m_slotsTaken;
    const std::lock_guard adding(m_addMutex);
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
    // Concurrent adds (under the shared lock) count elements under hnswlib's own guard.
    std::unique_lock count(m_graph->cur_element_count_guard_);
    return qint64(m_graph->cur_element_count) - m_deleted;
}

VectorIndex::Holdings VectorIndex::holdingsLocked() const
{
    Holdings holdings;
    for (const auto &[label, internal] : m_graph->label_lookup_) {
        if (m_graph->isMarkedDeleted(internal))
            continue;
        ++holdings.count;
        holdings.maxId = std::max(holdings.maxId, qint64(label));
        holdings.idSum += qint64(label);
    }
    return holdings;
}

qint64 VectorIndex::deletedCount() const
{
    return m_deleted;
}

} // namespace rag::index
