#include "store/assistant_repository.h"

#include "store/knowledge_base_repository.h"
#include "store/provider_repository.h"
#include "store/sql.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace rag::store {

namespace {

constexpr const char *kSelectAssistants =
    "SELECT id, name, knowledge_bases, system_prompt, prologue, empty_response, top_n, top_k, similarity_threshold,"
    " vector_similarity_weight, reranker, llm, temperature, max_tokens, quote FROM assistants";

// Written as low <= x <= high so that NaN, which fails every comparison, is out of range too.
bool inRange(double value, double low, double high)
{
    return value >= low && value <= high;
}

// Surrounding blanks in names are typing accidents; the stored names are the trimmed ones.
AssistantSpec normalized(AssistantSpec spec)
{
    spec.name = spec.name.trimmed();
    for (QString &kb : spec.knowledgeBases)
        kb = kb.trimmed();
    spec.reranker = spec.reranker.trimmed();
    spec.llm = spec.llm.trimmed();
    return spec;
}

// A null QString binds as SQL NULL; the text columns are NOT NULL.
QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

QString encodeNames(const QStringList &names)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(names)).toJson(QJsonDocument::Compact));
}

QStringList decodeNames(const QString &json)
{
    QStringList names;
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const QJsonValue &value : array)
        names.append(value.toString());
    return names;
}

Assistant readAssistant(const QSqlQuery &q)
{
    Assistant a;
    a.id = q.value(0).toLongLong();
    a.spec.name = q.value(1).toString();
    a.spec.knowledgeBases = decodeNames(q.value(2).toString());
    a.spec.systemPrompt = q.value(3).toString();
    a.spec.prologue = q.value(4).toString();
    a.spec.emptyResponse = q.value(5).toString();
    a.spec.topN = q.value(6).toInt();
    a.spec.topK = q.value(7).toInt();
    a.spec.similarityThreshold = q.value(8).toDouble();
    a.spec.vectorSimilarityWeight = q.value(9).toDouble();
    a.spec.reranker = q.value(10).toString();
    a.spec.llm = q.value(11).toString();
    a.spec.temperature = q.value(12).toDouble();
    a.spec.maxTokens = q.value(13).toInt();
    a.spec.quote = q.value(14).toBool();
    return a;
}

// A provider named by --llm or --reranker must be configured; the built-in names need nothing.
Result<void> checkProvider(ProviderRepository &providers, const QString &flag, const QString &name,
                           const QString &builtinNames)
{
    if (name == QLatin1String("builtin") || (flag == QLatin1String("--reranker") && name == QLatin1String("none")))
        return {};
    if (providers.find(name))
        return {};
    return fail(QStringLiteral("%1: no provider named '%2' (see `ragdesk providers list`); or use %3")
                    .arg(flag, name, builtinNames));
}

} // namespace

Result<void> validateAssistantSpec(const AssistantSpec &raw)
{
    const AssistantSpec spec = normalized(raw);
    if (spec.name.isEmpty())
        return fail(QStringLiteral("an assistant needs a name"));
    if (spec.name.size() > 200)
        return fail(QStringLiteral("an assistant name can have at most 200 characters"));
    if (spec.knowledgeBases.isEmpty())
        return fail(QStringLiteral("--kb needs at least one knowledge base"));
    QSet<QString> seen;
    for (const QString &kb : spec.knowledgeBases) {
        if (kb.isEmpty())
            return fail(QStringLiteral("--kb has an empty knowledge base name"));
        if (seen.contains(kb))
            return fail(QStringLiteral("--kb names '%1' twice").arg(kb));
        seen.insert(kb);
    }
    if (spec.topN < 1 || spec.topN > 100)
        return fail(QStringLiteral("--top-n must be between 1 and 100, not %1").arg(spec.topN));
    if (spec.topK < 1 || spec.topK > 10000)
        return fail(QStringLiteral("--top-k must be between 1 and 10000, not %1").arg(spec.topK));
    if (spec.topK < spec.topN)
        return fail(QStringLiteral("--top-k (%1) must be at least --top-n (%2): rerank picks the top n from the top k")
                        .arg(spec.topK)
                        .arg(spec.topN));
    if (!inRange(spec.similarityThreshold, 0, 1))
        return fail(QStringLiteral("--threshold must be between 0 and 1, not %1").arg(spec.similarityThreshold));
    if (!inRange(spec.vectorSimilarityWeight, 0, 1))
        return fail(QStringLiteral("--vector-weight must be between 0 and 1, not %1").arg(spec.vectorSimilarityWeight));
    if (!inRange(spec.temperature, 0, 2))
        return fail(QStringLiteral("--temperature must be between 0 and 2, not %1").arg(spec.temperature));
    if (spec.maxTokens < 1 || spec.maxTokens > 32768)
        return fail(QStringLiteral("--max-tokens must be between 1 and 32768, not %1").arg(spec.maxTokens));
    if (spec.reranker.isEmpty())
        return fail(QStringLiteral("--reranker needs a name: a configured provider, 'builtin' or 'none'"));
    if (spec.llm.isEmpty())
        return fail(QStringLiteral("--llm needs a name: a configured provider or 'builtin'"));
    if (spec.llm == QLatin1String("none"))
        return fail(QStringLiteral("--llm cannot be 'none': use 'builtin' for extractive answers without a model"));
    return {};
}

Result<Assistant> AssistantRepository::create(const AssistantSpec &raw)
{
    if (auto valid = validateAssistantSpec(raw); !valid)
        return fail(valid.error());
    const AssistantSpec spec = normalized(raw);
    if (find(spec.name))
        return fail(QStringLiteral("an assistant named '%1' already exists; remove it first").arg(spec.name));
    if (auto ok = checkReferences(spec); !ok)
        return fail(ok.error());

    auto inserted = exec(m_db,
                         QStringLiteral("INSERT INTO assistants (name, knowledge_bases, system_prompt, prologue,"
                                        " empty_response, top_n, top_k, similarity_threshold, vector_similarity_weight,"
                                        " reranker, llm, temperature, max_tokens, quote, created_at)"
                                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                         {spec.name, encodeNames(spec.knowledgeBases), text(spec.systemPrompt), text(spec.prologue),
                          text(spec.emptyResponse), spec.topN, spec.topK, spec.similarityThreshold,
                          spec.vectorSimilarityWeight, spec.reranker, spec.llm, spec.temperature, spec.maxTokens,
                          spec.quote ? 1 : 0, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)});
    if (!inserted)
        return fail(inserted.error());
    return find(inserted->lastInsertId().toLongLong());
}

Result<void> AssistantRepository::checkReferences(const AssistantSpec &spec)
{
    KnowledgeBaseRepository kbs(m_db);
    for (const QString &name : spec.knowledgeBases) {
        if (auto kb = kbs.lookup(name); !kb)
            return fail(QStringLiteral("--kb: %1").arg(kb.error()));
    }
    ProviderRepository providers(m_db);
    if (auto ok = checkProvider(providers, QStringLiteral("--llm"), spec.llm, QStringLiteral("'builtin'")); !ok)
        return ok;
    return checkProvider(providers, QStringLiteral("--reranker"), spec.reranker, QStringLiteral("'builtin' or 'none'"));
}

Result<Assistant> AssistantRepository::update(const AssistantSpec &raw)
{
    if (auto valid = validateAssistantSpec(raw); !valid)
        return fail(valid.error());
    const AssistantSpec spec = normalized(raw);
    auto existing = find(spec.name);
    if (!existing)
        return fail(existing.error());
    if (auto ok = checkReferences(spec); !ok)
        return fail(ok.error());
    auto updated = exec(m_db,
                        QStringLiteral("UPDATE assistants SET knowledge_bases = ?, system_prompt = ?, prologue = ?,"
                                       " empty_response = ?, top_n = ?, top_k = ?, similarity_threshold = ?,"
                                       " vector_similarity_weight = ?, reranker = ?, llm = ?, temperature = ?,"
                                       " max_tokens = ?, quote = ? WHERE id = ?"),
                        {encodeNames(spec.knowledgeBases), text(spec.systemPrompt), text(spec.prologue),
                         text(spec.emptyResponse), spec.topN, spec.topK, spec.similarityThreshold,
                         spec.vectorSimilarityWeight, spec.reranker, spec.llm, spec.temperature, spec.maxTokens,
                         spec.quote ? 1 : 0, existing->id});
    if (!updated)
        return fail(updated.error());
    return find(existing->id);
}

Result<QList<Assistant>> AssistantRepository::list()
{
    auto query = exec(m_db, QString::fromLatin1(kSelectAssistants) + QStringLiteral(" ORDER BY name"));
    if (!query)
        return fail(query.error());
    QList<Assistant> assistants;
    while (query->next())
        assistants.append(readAssistant(*query));
    return assistants;
}

Result<Assistant> AssistantRepository::find(const QString &name)
{
    auto query = exec(m_db, QString::fromLatin1(kSelectAssistants) + QStringLiteral(" WHERE name = ?"), {name.trimmed()});
    if (!query)
        return fail(query.error());
    if (!query->next())
        return fail(QStringLiteral("no assistant named '%1' (see `ragdesk assistant list`)").arg(name.trimmed()), ErrorKind::AssistantNotFound);
    return readAssistant(*query);
}

Result<Assistant> AssistantRepository::find(qint64 id)
{
    auto query = exec(m_db, QString::fromLatin1(kSelectAssistants) + QStringLiteral(" WHERE id = ?"), {id});
    if (!query)
        return fail(query.error());
    if (!query->next())
        return fail(QStringLiteral("no assistant with id %1").arg(id));
    return readAssistant(*query);
}

Result<void> AssistantRepository::remove(const QString &name)
{
    // Conversations and their messages go by ON DELETE CASCADE (foreign keys are on for every
    // connection Database opens), in the same statement, so there is nothing to leave behind.
    auto removed = exec(m_db, QStringLiteral("DELETE FROM assistants WHERE name = ?"), {name.trimmed()});
    if (!removed)
        return fail(removed.error());
    if (removed->numRowsAffected() == 0)
        return fail(QStringLiteral("no assistant named '%1' (see `ragdesk assistant list`)").arg(name.trimmed()), ErrorKind::AssistantNotFound);
    return {};
}

} // namespace rag::store
