// The offline default reranker: lexical coverage with proximity, computed on the CPU pool and
// awaited from the engine thread (the "sync work awaited from a pool" path). Its calls are
// logged like any other reranker's, with endpoint "builtin".
#pragma once

#include "providers/rerank/reranker.h"

class QThreadPool;

namespace rag::providers {

class RerankCallLog;

class BuiltinReranker : public Reranker {
public:
    // The pool and the log must outlive the reranker; a null log records nothing.
    BuiltinReranker(QString name, QThreadPool *cpuPool, RerankCallLog *log);

    QString name() const override { return m_name; }
    QCoro::Task<Result<RerankResult>> rerank(RerankRequest request) override;
    Result<RerankResult> rerankBlocking(const RerankRequest &request) override;

private:
    RerankResult score(const RerankRequest &request) const;
    void log(const RerankRequest &request, const Result<RerankResult> &result, const QString &mode) const;

    QString m_name;
    QThreadPool *m_pool;
    RerankCallLog *m_log;
};

} // namespace rag::providers
