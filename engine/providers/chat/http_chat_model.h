// A chat model behind an HTTP API: OpenAI-compatible (SSE) or Ollama (NDJSON). The reply is
// decoded incrementally as bytes arrive; a server that answers a stream request with a plain JSON
// completion is understood too (the non-streaming fallback). Provider errors keep their message.
#pragma once

#include "providers/chat/chat_model.h"
#include "providers/provider_settings.h"

namespace rag::providers {

class ProviderHttpClient;
struct HttpOutcome;

class HttpChatModel : public ChatModel {
public:
    HttpChatModel(ProviderSettings settings, ProviderHttpClient *client);

    QString name() const override { return m_settings.name; }
    QCoro::Task<Result<ChatAnswer>> complete(ChatRequest request, ChatDeltaSink sink) override;
    Result<ChatAnswer> completeBlocking(const ChatRequest &request, const ChatDeltaSink &sink) override;

private:
    class Exchange;

    ProviderSettings m_settings;
    ProviderHttpClient *m_client;
};

} // namespace rag::providers
