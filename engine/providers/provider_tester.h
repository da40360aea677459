// `providers test`: one real call to a configured provider (a rerank, an embedding or a short chat
// answer: what assistants use it for, else whichever it serves first, unless told), reporting latency or the provider's own error.
#pragma once

#include <QSqlDatabase>
#include <QString>

#include <qcoro/qcorotask.h>

#include <memory>

namespace rag::store {
class Database;
}

namespace rag::providers {

class ProviderRegistry;

struct ProviderTestReport {
    QString provider;
    QString capability; // rerank, embeddings or chat
    bool ok = false;
    double latencyMs = 0;
    int attempts = 0;
    QString detail; // what came back, e.g. "2 documents scored, best 0.93"
    QString error;
};

// On the registry's thread. `capability` empty: the first the provider serves.
QCoro::Task<ProviderTestReport> testProvider(ProviderRegistry &registry, QString name, QString capability);

// What the assistants use the provider for: "chat" when one answers with it, else "rerank" when
// one reranks with it, else empty.
QString capabilityInUse(const QSqlDatabase &db, const QString &name);

// Blocking form for the command line: runs the test on this thread's event loop, with the rerank
// call recorded in the call log of `database`. `capability` empty: what the assistants use the
// provider for, else the first it serves.
ProviderTestReport testProvider(std::shared_ptr<store::Database> database, const QString &dataDir,
                                const QString &name, const QString &capability);

} // namespace rag::providers
