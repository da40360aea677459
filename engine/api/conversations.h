// An assistant's saved conversations, read as value snapshots from any thread (see
// KnowledgeBases). The chat engine writes them as it answers.
#pragma once

#include "api/records.h"
#include "core/result.h"

#include <memory>

namespace rag {
class Workspace;
}
namespace rag::store {
class Database;
}

namespace rag::api {

class Conversations {
public:
    explicit Conversations(const Workspace &workspace);

    Result<QList<Conversation>> list(qint64 assistantId) const; // newest first, without messages
    Result<Conversation> load(qint64 conversationId) const;     // with every message

private:
    std::shared_ptr<store::Database> m_database;
};

} // namespace rag::api
