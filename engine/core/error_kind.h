// What kind of failure an Error is, named where it happens. The names are part of the load
// report (`errors_by_kind`) and of serve's error mapping; docs/reliability.md lists them.
#pragma once

#include <QString>

namespace rag {

struct Error;

enum class ErrorKind {
    Unclassified,    // "error"
    InvalidRequest,  // the caller's input was refused (a bad option, an empty question)
    NotFound,        // a knowledge base, provider, document ... that does not exist
    AssistantNotFound,
    ConversationNotFound, // or one that belongs to another assistant
    QuestionTooLong, // no passage would fit beside the question
    Overloaded,      // refused at admission: the answer could not finish in time
    Deadline,        // the request's own deadline passed
    Cancelled,       // the caller (or a client that went away) cancelled
    ShuttingDown,    // the engine stopped while the request waited or ran
    ProviderHttp,    // a provider answered a non-2xx status ("provider_http_503")
    Timeout,         // a provider call passed its timeout
    Stalled,         // a provider's stream stopped sending for longer than its inactivity limit
    Connect,         // a provider could not be reached
    Network,         // a provider's connection failed before its answer started
    StreamCut,       // a provider's stream ended or broke before its end
    Malformed,       // a provider's reply could not be read
    Tls,             // a provider's certificate was not trusted, or its CA bundle could not be read
    ProviderRefused, // the client's own queue for a provider was full
    Storage,         // the database failed
    Internal,        // a defect: an exception escaped
};

// The stable name of an error's kind: "overloaded", "provider_http_503", "stream_cut", ...
QString errorKindName(const Error &error);

} // namespace rag
