// Replaying a logged rerank call (docs/providers.md, "Replaying a call"): the call's query and
// documents, read back from the chunks it names, re-sent to another reranker (or the same one),
// with both rankings side by side. The replay is a real call and lands in the call log too.
#pragma once

#include "core/cancel_token.h"
#include "store/provider_records.h"
#include "store/records.h"

#include <QList>
#include <QString>

#include <qcoro/qcorotask.h>

#include <memory>

namespace rag::store {
class Database;
}

namespace rag::providers {

class ProviderRegistry;

struct RerankReplayRow {
    qint64 chunkId = 0;
    QString document; // the chunk's document title
    QString text;     // the chunk's text
    // Scores normalised as the pipeline uses them (docs/providers.md), ranks from 1 = best.
    double loggedScore = 0;
    int loggedRank = 0;
    double replayScore = 0;
    int replayRank = 0;
    int rankChange() const { return loggedRank - replayRank; } // > 0: moved up in the replay
};

struct RerankReplayReport {
    qint64 callId = 0;
    QString query;
    QString loggedProvider;
    double loggedLatencyMs = 0;
    QString replayProvider;
    double replayLatencyMs = 0;
    int missing = 0;             // documents of the call no longer in any knowledge base
    QList<RerankReplayRow> rows; // best first by the logged ranking
    QString error;               // why there is no replay; empty when there is one

    bool ok() const { return error.isEmpty(); }
    int moved() const; // documents whose rank changed
};

// On the registry's thread. `call` is read with its bodies; `chunks` are those of its chunk ids
// still stored, in any order.
QCoro::Task<RerankReplayReport> replayRerankCall(ProviderRegistry &registry, store::RerankCallRecord call,
                                                 QList<store::ChunkView> chunks, QString reranker,
                                                 CancelTokenPtr cancel);

// Blocking form for the command line and the desktop's worker threads: reads the call and its
// chunks from `database`, runs the replay on this thread's event loop, records it in the log.
RerankReplayReport replayRerankCall(std::shared_ptr<store::Database> database, const QString &dataDir, qint64 callId,
                                    const QString &reranker, CancelTokenPtr cancel = {});

} // namespace rag::providers
