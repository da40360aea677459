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
    Result<void> rename(qint64 conversationId, const QString &title) const;
    Result<void> remove(qint64 conversationId) const; // with its messages
    // The conversation as a Markdown document: title, each question and answer (citations
    // numbered from 1, as the chat shows them) with the sources it cites.
    Result<QString> toMarkdown(qint64 conversationId) const;

private:
    std::shared_ptr<store::Database> m_database;
};

} // namespace rag::api
