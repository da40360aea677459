// Plain value types for assistants (RAGFlow's "dialogs"), conversations and their messages;
// safe to copy across threads.
#pragma once

#include "core/search_defaults.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace rag::store {

struct AssistantSpec {
    QString name;
    QStringList knowledgeBases;        // by name; at least one
    QString systemPrompt;              // may contain {knowledge}; empty: the default prompt
    QString prologue;                  // the assistant's opening line in a new conversation
    QString emptyResponse;             // answered without a model when nothing is retrieved; empty: ask anyway
    int topN = search_defaults::kTopN;
    int topK = search_defaults::kTopK;
    double similarityThreshold = search_defaults::kSimilarityThreshold;
    double vectorSimilarityWeight = search_defaults::kVectorSimilarityWeight;
    QString reranker = QStringLiteral("builtin"); // a provider name, "builtin" or "none"
    QString llm = QStringLiteral("builtin");      // a provider name or "builtin" (extractive answers)
    double temperature = 0.1;
    int maxTokens = 512;
    bool quote = true; // cite sources with [ID:i]

    bool operator==(const AssistantSpec &) const = default;
};

struct Assistant {
    qint64 id = 0;
    AssistantSpec spec;
};

// A passage an answer used, as shown to the user: numbered as the prompt numbered it.
struct ChatReference {
    int index = 0; // the i of [ID:i]
    qint64 chunkId = 0;
    QString document;
    QString content;
    int page = 0;
    double similarity = 0;
    double termSimilarity = 0;
    double vectorSimilarity = 0;

    bool operator==(const ChatReference &) const = default;
};

struct StoredMessage {
    qint64 id = 0;
    QString role; // user or assistant
    QString content;
    QDateTime at;
    QList<ChatReference> references; // assistant messages
    QString traceJson;               // assistant messages: stage -> milliseconds
};

struct Conversation {
    qint64 id = 0;
    qint64 assistantId = 0;
    QString title;
    QDateTime createdAt;
    QList<StoredMessage> messages; // oldest first
};

} // namespace rag::store
