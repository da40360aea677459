// The SSE decoder (providers/wire/sse_parser) on any bytes. Input: one byte choosing how the
// stream is cut, then the stream. The stream is parsed whole and cut in pieces: the parser
// promises that chunk boundaries may fall anywhere, so both must give the same events.
#include "fuzz_support.h"

#include "providers/wire/sse_parser.h"

using rag::providers::SseEvent;
using rag::providers::SseParser;

namespace {

struct Parsed {
    QList<SseEvent> events;
    bool droppedAtEnd = false;
    QString lastEventId;
    int retryMs = -1;
};

Parsed parse(const QList<QByteArrayView> &pieces)
{
    SseParser parser;
    Parsed out;
    for (QByteArrayView piece : pieces)
        out.events += parser.feed(piece);
    out.lastEventId = parser.lastEventId();
    out.retryMs = parser.retryMs();
    out.droppedAtEnd = parser.finish();
    FUZZ_CHECK(!parser.finish()); // finish() forgets the event cut short
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const QByteArrayView stream(data + 1, qsizetype(size - 1));
    const Parsed whole = parse({stream});
    const Parsed split = parse(rag::fuzz::cutInPieces(stream, data[0]));

    FUZZ_CHECK(whole.events.size() == split.events.size());
    for (qsizetype i = 0; i < whole.events.size(); ++i) {
        const SseEvent &a = whole.events.at(i);
        const SseEvent &b = split.events.at(i);
        FUZZ_CHECK(a.type == b.type);
        FUZZ_CHECK(a.data == b.data);
        FUZZ_CHECK(a.id == b.id);
        FUZZ_CHECK(!a.type.isEmpty());
        FUZZ_CHECK(!a.id.contains(QChar(0)));
    }
    FUZZ_CHECK(whole.droppedAtEnd == split.droppedAtEnd);
    FUZZ_CHECK(whole.lastEventId == split.lastEventId);
    FUZZ_CHECK(whole.retryMs == split.retryMs);
    return 0;
}
