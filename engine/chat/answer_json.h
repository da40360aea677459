// An answer's passages as JSON, the same fields wherever an answer leaves the engine (`ask
// --json`, serve's completions): docs/serve.md, "References".
#pragma once

#include "store/chat_records.h"

#include <QJsonArray>

namespace rag::chat {

// [{"index","chunk_id","document","content","page" (null without pages),"similarity",
//   "term_similarity","vector_similarity"}], in citation order.
QJsonArray referencesToJson(const QList<store::ChatReference> &references);

} // namespace rag::chat
