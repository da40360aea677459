// Configured providers as records: validation of what a user asks for (`providers add`), and
// the conversion from a stored record to the settings the provider layer runs with.
#pragma once

#include "core/result.h"
#include "providers/provider_settings.h"
#include "store/provider_records.h"

namespace rag::providers {

// Names that mean the built-in providers, never stored: "builtin" (embedder, lexical reranker,
// extractive answerer) and "none" (no reranker).
bool isReservedProviderName(const QString &name);

// Checks a record before it is stored: known kind, a usable base URL (http/https) or a vendor
// default, a model where the kind needs one, limits in range. Returns it normalised.
Result<store::ProviderRecord> validateProvider(store::ProviderRecord record);

Result<ProviderSettings> settingsFromRecord(const store::ProviderRecord &record);

} // namespace rag::providers
