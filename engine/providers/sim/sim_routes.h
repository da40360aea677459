// The simulator's route table (private to ragdesk_sim): which path speaks which wire format, which
// profile group it belongs to, which provider kinds it stands in for, and how its errors look.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace rag::sim {

enum class WireFormat {
    JinaRerank,       // also OpenAI-compatible /rerank, SiliconFlow, Gitee, Novita, ...
    CohereRerank,
    VoyageRerank,
    XinferenceRerank,
    NvidiaRerank,
    TeiRerank,
    DashScopeRerank,
    OpenAiEmbed,
    TeiEmbed,
    OllamaEmbed,
    OpenAiChat,
    OllamaChat,
};

// How a provider shapes an error body.
enum class ErrorStyle {
    OpenAi,    // {"error": {"message", "type", "code"}}
    Cohere,    // {"message"}
    Ollama,    // {"error": "..."}
    Tei,       // {"error": "...", "error_type"}
    DashScope, // {"code", "message", "request_id"}
};

struct SimRoute {
    QByteArray path;
    WireFormat format;
    QByteArray group; // profile group: "rerank", "embed" or "chat"
    ErrorStyle errorStyle;
    QStringList serves; // provider kinds (the `--kind` names) configured against this route
};

const QList<SimRoute> &simRoutes();
const SimRoute *findSimRoute(const QByteArray &path); // nullptr for an unknown path

// A provider-style error body for `status`.
QByteArray errorBody(ErrorStyle style, int status, const QString &message);

// The answer to GET /: every route with its group, format and provider kinds.
QByteArray routeListJson();

} // namespace rag::sim
