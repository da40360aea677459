// An assistant's saved conversations, read as value snapshots from any thread (see
// KnowledgeBases). The chat engine writes them as it answers.
#pragma once

#include "api/records.h"

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
