// The simulator's "models" (private to ragdesk_sim): deterministic stand-ins that still behave
// like the real thing where clients can tell - relevance ranks documents sharing the query's
// terms first, similar texts get similar embeddings, and answers talk about the question.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace rag::sim {

inline constexpr int kEmbeddingDimensions = 64;

// Relevance of each document to `query`, in [0, 1]: mostly the share of query terms the document
// contains, plus a little for how dense they are in it (a tie-breaker between equal coverage).
// Each document's terms are remembered (DocumentTerms), so a passage reranked again costs a hash.
QList<double> relevances(const QString &query, const QStringList &documents);
// countTokens of a reranked document, remembered with its terms.
int documentTokens(const QString &document);

// A relevance as a logit in [-10, 10], as cross-encoders without a sigmoid return.
double logitOf(double relevance);

// An L2-normalised vector of `dimensions` from hashed terms: equal texts give equal vectors,
// texts sharing terms point in similar directions.
QList<double> embed(const QString &text, int dimensions = kEmbeddingDimensions);

// An answer of exactly `words` words (a token is a word) about the terms of `question`.
QStringList answerWords(const QString &question, int words);

// Tokens as the providers would bill them (ragdesk's own counter).
int countTokens(const QString &text);

} // namespace rag::sim
