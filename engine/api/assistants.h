// The assistants of a workspace (what a chat answers with: knowledge bases, providers, prompt and
// search settings), read and changed as value snapshots from any thread (see KnowledgeBases).
#pragma once

#include "api/records.h"

namespace rag::api {

class Assistants {
public:
    explicit Assistants(const Workspace &workspace);

    Result<QList<Assistant>> list() const; // by name
    Result<Assistant> find(const QString &name) const;
    // Checks the settings, that the knowledge bases and providers it names exist, and that each
    // provider serves what it is named for (a reranker that reranks, a model that chats).
    Result<Assistant> create(const AssistantSpec &spec) const;
    // The same checks for new settings of an existing assistant; its conversations stay.
    Result<Assistant> update(const AssistantSpec &spec) const;
    Result<void> remove(const QString &name) const; // its conversations go with it

private:
    std::shared_ptr<store::Database> m_database;
};

} // namespace rag::api
