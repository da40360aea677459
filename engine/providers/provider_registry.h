// The providers a process runs with: for each configured provider, one pooled HTTP client (its
// connections, admission queue and counters) and the reranker, embedder and chat model that use
// it, created on first use from the stored record and the key store. Lives on the engine thread;
// "builtin" (and "extractive" for chat) name the offline providers, "none" no reranker.
#pragma once

#include "core/result.h"
#include "providers/http/provider_http_client.h"

#include <QHash>
#include <QObject>

#include <memory>

class QThreadPool;

namespace rag::store {
class Database;
}

namespace rag::providers {

class ChatModel;
class Embedder;
class Reranker;
class RerankCallLog;

class ProviderRegistry : public QObject {
    Q_OBJECT
public:
    struct Services {
        std::shared_ptr<store::Database> database;
        QString dataDir;          // where the key store's fallback file lives
        QThreadPool *cpuPool = nullptr;
        RerankCallLog *callLog = nullptr; // may be null: nothing recorded
    };

    explicit ProviderRegistry(Services services, QObject *parent = nullptr);
    ~ProviderRegistry() override;

    Result<Reranker *> reranker(const QString &name); // nullptr for "none"
    Result<Embedder *> embedder(const QString &name);
    Result<ChatModel *> chatModel(const QString &name);

    // Counters of every HTTP client created so far, by provider name.
    QHash<QString, HttpClientStats> clientStats() const;

private:
    struct Entry;
    Result<Entry *> entry(const QString &name);

    Services m_services;
    std::unique_ptr<Reranker> m_builtinReranker;
    std::unique_ptr<Embedder> m_builtinEmbedder;
    std::unique_ptr<ChatModel> m_extractive;
    QHash<QString, std::shared_ptr<Entry>> m_entries;
};

} // namespace rag::providers
