// The streamed chat reply decoders (providers/wire/chat_stream_decoder): OpenAI-compatible SSE
// and Ollama's NDJSON. Input: one byte (bit 0: the format; the rest: how the stream is cut), then
// the stream. Decoded whole and in pieces, the stream must give the same text, the same end and
// the same error: bytes may arrive split anywhere.
#include "fuzz_support.h"

#include "providers/wire/chat_stream_decoder.h"

using namespace rag::providers;

namespace {

struct Decoded {
    QString content;
    QString reasoning;
    QString error;
    bool done = false;
    QString finishReason;
    std::optional<ChatUsage> usage;
};

Decoded decode(ProviderKind kind, const QList<QByteArrayView> &pieces)
{
    auto decoder = ChatStreamDecoder::create(kind);
    Decoded out;
    for (QByteArrayView piece : pieces) {
        auto deltas = decoder->feed(piece);
        if (!deltas) {
            out.error = deltas.error();
            break;
        }
        for (const ChatDelta &delta : *deltas) {
            FUZZ_CHECK(!delta.content.isEmpty() || !delta.reasoning.isEmpty()); // never an empty delta
            out.content += delta.content;
            out.reasoning += delta.reasoning;
        }
    }
    if (out.error.isEmpty()) {
        if (auto finished = decoder->finish(); !finished)
            out.error = finished.error();
    } else {
        // A failed stream stays failed, with the same error.
        auto again = decoder->feed("data: [DONE]\n\n{\"done\":true}\n");
        FUZZ_CHECK(!again && again.error() == out.error);
        auto finished = decoder->finish();
        FUZZ_CHECK(!finished && finished.error() == out.error);
    }
    out.done = decoder->done();
    out.finishReason = decoder->finishReason();
    out.usage = decoder->usage();
    FUZZ_CHECK(out.error.isEmpty() || out.error.startsWith(kindName(kind) + QStringLiteral(" chat stream: ")));
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const ProviderKind kind = (data[0] & 1) ? ProviderKind::Ollama : ProviderKind::OpenAiCompatible;
    const QByteArrayView stream(data + 1, qsizetype(size - 1));
    const Decoded whole = decode(kind, {stream});
    const Decoded split = decode(kind, rag::fuzz::cutInPieces(stream, data[0] >> 1));

    FUZZ_CHECK(whole.error == split.error);
    FUZZ_CHECK(whole.done == split.done);
    FUZZ_CHECK(whole.error.isEmpty() == whole.done); // a stream ends well exactly when its terminator came
    if (whole.error.isEmpty()) {
        // Deltas already handed out before a failure are not compared: whole, they were never given.
        FUZZ_CHECK(whole.content == split.content);
        FUZZ_CHECK(whole.reasoning == split.reasoning);
        FUZZ_CHECK(whole.finishReason == split.finishReason);
        FUZZ_CHECK(whole.usage.has_value() == split.usage.has_value());
        if (whole.usage) {
            FUZZ_CHECK(whole.usage->promptTokens == split.usage->promptTokens);
            FUZZ_CHECK(whole.usage->completionTokens == split.usage->completionTokens);
            FUZZ_CHECK(whole.usage->totalTokens == split.usage->totalTokens);
        }
    }
    return 0;
}
