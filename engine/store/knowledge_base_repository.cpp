#include "store/knowledge_base_repository.h"

#include "store/sql.h"

#include <QDateTime>

namespace rag::store {

QString fullTextTable(qint64 kbId)
{
    return QStringLiteral("fts_kb_%1").arg(kbId);
}

QString fullTextVocabularyTable(qint64 kbId)
{
    return QStringLiteral("fts_kb_%1_vocab").arg(kbId);
}

Result<void> validateKnowledgeBaseSpec(const KnowledgeBaseSpec &spec)
{
    const QString name = spec.name.trimmed();
    if (name.isEmpty())
        return fail(QStringLiteral("a knowledge base needs a name"));
    if (name.size() > 200)
        return fail(QStringLiteral("a knowledge base name can have at most 200 characters"));
    if (spec.chunkTokens < 16 || spec.chunkTokens > 8192)
        return fail(QStringLiteral("--chunk-tokens must be between 16 and 8192, not %1").arg(spec.chunkTokens));
    if (spec.overlapPercent < 0 || spec.overlapPercent > 90)
        return fail(QStringLiteral("--overlap must be between 0 and 90 percent, not %1").arg(spec.overlapPercent));
    if (spec.embedder.trimmed().isEmpty())
        return fail(QStringLiteral("a knowledge base needs an embedder ('builtin' or an embedding provider)"));
    if (spec.dimension < 1 || spec.dimension > kMaxVectorDimension)
        return fail(QStringLiteral("embedder '%1' gives %2-dimensional vectors: between 1 and %3 are supported")
                        .arg(spec.embedder).arg(spec.dimension).arg(kMaxVectorDimension));
    return {};
}

static KnowledgeBase readKnowledgeBase(const QSqlQuery &query)
{
    KnowledgeBase kb;
    kb.id = query.value(0).toLongLong();
    kb.spec.name = query.value(1).toString();
    kb.spec.embedder = query.value(2).toString();
    kb.spec.chunkTokens = query.value(3).toInt();
    kb.spec.overlapPercent = query.value(4).toInt();
    kb.spec.delimiters = query.value(5).toString();
    kb.documents = query.value(6).toLongLong();
    kb.failedDocuments = query.value(7).toLongLong();
    kb.chunks = query.value(8).toLongLong();
    kb.chunkTotal = query.value(9).toLongLong();
    kb.termTotal = query.value(10).toLongLong();
    kb.spec.dimension = query.value(11).toInt();
    kb.vectorGeneration = query.value(12).toLongLong();
    return kb;
}

static const char *kSelectKnowledgeBases =
    "SELECT k.id, k.name, k.embedder, k.chunk_tokens, k.overlap_percent, k.delimiters,"
    " COALESCE(SUM(d.status = 'ready'), 0), COALESCE(SUM(d.status = 'failed'), 0), COALESCE(SUM(d.chunk_count), 0),"
    " k.chunk_total, k.term_total, k.dimension, k.vector_generation FROM knowledge_bases k LEFT JOIN documents d ON d.kb_id = k.id";

Result<KnowledgeBase> KnowledgeBaseRepository::create(const KnowledgeBaseSpec &spec)
{
    if (auto valid = validateKnowledgeBaseSpec(spec); !valid)
        return fail(valid.error());
    const QString name = spec.name.trimmed();
    if (find(name))
        return fail(QStringLiteral("a knowledge base named '%1' already exists").arg(name));

    Transaction transaction(m_db);
    auto inserted = exec(m_db,
                         QStringLiteral("INSERT INTO knowledge_bases (name, embedder, dimension, chunk_tokens,"
                                        " overlap_percent, delimiters, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                         {name, spec.embedder.trimmed(), spec.dimension, spec.chunkTokens, spec.overlapPercent,
                          spec.delimiters, QDateTime::currentDateTimeUtc().toString(Qt::ISODate)});
    if (!inserted)
        return fail(inserted.error());
    const qint64 id = inserted->lastInsertId().toLongLong();
    // Text is tokenized by our own tokenizer before it reaches FTS5 (CJK as bigrams), so
    // unicode61 only has to split on the spaces we put in.
    const QStringList ddl = {
        QStringLiteral("CREATE VIRTUAL TABLE %1 USING fts5(tokens, tokenize = 'unicode61 remove_diacritics 0')")
            .arg(fullTextTable(id)),
        QStringLiteral("CREATE VIRTUAL TABLE %1 USING fts5vocab(%2, 'row')")
            .arg(fullTextVocabularyTable(id), fullTextTable(id)),
    };
    for (const QString &statement : ddl) {
        if (auto done = exec(m_db, statement); !done)
            return fail(done.error());
    }
    if (auto committed = transaction.commit(); !committed)
        return fail(committed.error());
    return find(name);
}

Result<QList<KnowledgeBase>> KnowledgeBaseRepository::list()
{
    auto query = exec(m_db, QString::fromLatin1(kSelectKnowledgeBases) + QStringLiteral(" GROUP BY k.id ORDER BY k.name"));
    if (!query)
        return fail(query.error());
    QList<KnowledgeBase> result;
    while (query->next())
        result.append(readKnowledgeBase(*query));
    return result;
}

Result<KnowledgeBase> KnowledgeBaseRepository::findOne(const QString &sql, const QString &name)
{
    auto query = exec(m_db, sql, {name.trimmed()});
    if (!query)
        return fail(query.error());
    if (!query->next())
        return fail(QStringLiteral("no knowledge base named '%1' (see 'ragdesk kb list')").arg(name), ErrorKind::NotFound);
    return readKnowledgeBase(*query);
}

Result<KnowledgeBase> KnowledgeBaseRepository::find(const QString &name)
{
    return findOne(QString::fromLatin1(kSelectKnowledgeBases) + QStringLiteral(" WHERE k.name = ? GROUP BY k.id"), name);
}

Result<KnowledgeBase> KnowledgeBaseRepository::lookup(const QString &name)
{
    return findOne(QStringLiteral("SELECT id, name, embedder, chunk_tokens, overlap_percent, delimiters, 0, 0, 0,"
                                  " chunk_total, term_total, dimension, vector_generation FROM knowledge_bases WHERE name = ?"),
                   name);
}

Result<void> KnowledgeBaseRepository::remove(const QString &name)
{
    auto kb = find(name);
    if (!kb)
        return fail(kb.error());
    Transaction transaction(m_db);
    const QStringList statements = {
        QStringLiteral("DROP TABLE IF EXISTS %1").arg(fullTextVocabularyTable(kb->id)),
        QStringLiteral("DROP TABLE IF EXISTS %1").arg(fullTextTable(kb->id)),
        QStringLiteral("DELETE FROM knowledge_bases WHERE id = %1").arg(kb->id),
    };
    for (const QString &statement : statements) {
        if (auto done = exec(m_db, statement); !done)
            return fail(done.error());
    }
    return transaction.commit();
}

} // namespace rag::store
