// Builds the messages a chat model gets: the assistant's system prompt with the retrieved
// passages numbered in place of {knowledge} (RAGFlow's kb_prompt format, so the model can cite
// them as [ID:i]), the conversation so far, and the question, all within the model's context
// budget: passages that do not fit are left out (best first are kept), then the oldest turns.
#pragma once

#include "providers/wire/chat_wire.h"

#include <QList>
#include <QString>

namespace rag::chat {

struct KnowledgeChunk {
    QString document; // its title in the prompt
    QString content;
    int page = 0;     // 1-based, 0 when the format has no pages
};

struct PromptInput {
    QString systemTemplate; // empty: defaultSystemPrompt(); without {knowledge} the passages are appended
    QList<KnowledgeChunk> chunks; // best first; chunk i is [ID:i]
    QList<providers::ChatMessage> history; // earlier turns, oldest first; assistant turns lose
                                           // their [ID:i]: they number an earlier retrieval
    QString question;
    bool quote = true;           // ask for [ID:i] citations (only when a passage made it in)
    int contextTokens = 8192;    // the model's window
    int answerTokens = 512;      // kept free for the answer
};

struct Prompt {
    QList<providers::ChatMessage> messages; // system, history..., user question
    int chunksUsed = 0;  // the first chunksUsed chunks made it into the prompt
    int historyUsed = 0; // how many of the newest history messages made it
    int tokens = 0;      // of all message contents, counted with rag::text::countTokens; over the
                         // budget only when the system prompt and the question alone are
};

// Budget: contextTokens - answerTokens. The system prompt and the question are always kept; then
// passages best first while they fit (only the first, if it alone is too long, is cut after a
// word and ends in "…"); then history from the newest back while it fits.
Prompt buildPrompt(const PromptInput &input);

// Tokens left for passages once the system prompt, the citation instructions and the question
// are in (the history and chunks of `input` are not counted): negative when those alone do not fit.
int passageRoom(const PromptInput &input);

QString defaultSystemPrompt();   // RAGFlow-like, with {knowledge}
QString citationInstructions();  // what quote=true adds: cite as [ID:i], never invent sources
// "ID: 0\n├── Title: doc (page 3)\n└── Content: ..." blocks joined by blank lines.
QString formatKnowledge(const QList<KnowledgeChunk> &chunks);

} // namespace rag::chat
