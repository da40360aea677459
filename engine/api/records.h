// The value types the engine's facades hand out (docs/architecture.md, "Layers"): plain copies,
// safe to pass between threads, named here so the surfaces never include the store. Every facade
// header starts from this one.
#pragma once

#include "core/result.h"
#include "store/chat_records.h"
#include "store/provider_records.h"
#include "store/records.h"
#include "store/rerank_call_json.h"

#include <memory>

namespace rag {
class Workspace;
}
namespace rag::store {
class Database;
}

namespace rag::api {

using store::KnowledgeBase;
using store::KnowledgeBaseSpec;
using store::StoredDocument;

using store::Assistant;
using store::AssistantSpec;
using store::ChatReference;
using store::Conversation;
using store::StoredMessage;

using store::ProviderRecord;
using store::RerankCallFilter;
using store::RerankCallRecord;
using store::rerankCallJsonFields;
using store::rerankCallToJson;

} // namespace rag::api
