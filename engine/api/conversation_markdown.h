// A saved conversation as Markdown, for export: what the chat shows, readable anywhere.
#pragma once

#include "api/records.h"

namespace rag::api {

// "# Title", who answered and when, then each exchange: the question, the answer with its
// [ID:i] citations as [i+1], and its sources as a numbered list (document, page).
// An answer's [ID:i] citation markers as [i+1], the numbers readers see.
QString citationsNumberedFromOne(const QString &answer);

QString conversationMarkdown(const Conversation &conversation, const QString &assistantName);

} // namespace rag::api
