// Creates, lists, finds and removes assistants. Validation names the field a user must fix.
#pragma once

#include "core/result.h"
#include "store/chat_records.h"

#include <QSqlDatabase>

namespace rag::store {

class AssistantRepository {
public:
    explicit AssistantRepository(QSqlDatabase db) : m_db(std::move(db)) {}

    // Every knowledge base named must exist. The name must be new.
    Result<Assistant> create(const AssistantSpec &spec);
    // Replaces the settings of the assistant named `spec.name`, checked as create checks them;
    // its conversations stay.
    Result<Assistant> update(const AssistantSpec &spec);
    Result<QList<Assistant>> list();
    Result<Assistant> find(const QString &name);
    Result<Assistant> find(qint64 id);
    Result<void> remove(const QString &name); // its conversations go with it

private:
    Result<void> checkReferences(const AssistantSpec &spec); // its knowledge bases and providers exist
    QSqlDatabase m_db;
};

// Ranges: top_n 1-100, top_k 1-10000 (>= top_n), threshold and vector weight in [0, 1],
// temperature in [0, 2], max_tokens 1-32768; a name; at least one knowledge base.
Result<void> validateAssistantSpec(const AssistantSpec &spec);

} // namespace rag::store
