// Creates, lists, finds and removes knowledge bases; each one owns a full-text table of its own.
#pragma once

#include "core/result.h"
#include "store/records.h"

#include <QSqlDatabase>

namespace rag::store {

inline constexpr int kMaxVectorDimension = 16384;

QString fullTextTable(qint64 kbId);
QString fullTextVocabularyTable(qint64 kbId);

class KnowledgeBaseRepository {
public:
    explicit KnowledgeBaseRepository(QSqlDatabase db) : m_db(std::move(db)) {}

    Result<KnowledgeBase> create(const KnowledgeBaseSpec &spec);
    Result<QList<KnowledgeBase>> list();
    Result<KnowledgeBase> find(const QString &name); // with document and chunk counts
    Result<KnowledgeBase> lookup(const QString &name); // settings only: cheap, for every search
    Result<void> remove(const QString &name);

private:
    Result<KnowledgeBase> findOne(const QString &sql, const QString &name);

    QSqlDatabase m_db;
};

Result<void> validateKnowledgeBaseSpec(const KnowledgeBaseSpec &spec);

} // namespace rag::store
