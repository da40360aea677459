#include "providers/wire/sse_parser.h"

#include <utility>

namespace rag::providers {

SseParser::SseParser() = default;

QList<SseEvent> SseParser::feed(QByteArrayView bytes)
{
    QList<SseEvent> events;
    QByteArray start;
    if (m_atStart) {
        // One byte order mark at the start of the stream is ignored, even when cut across chunks.
        static constexpr QByteArrayView kBom("\xEF\xBB\xBF");
        m_start.append(bytes);
        if (m_start.size() < kBom.size() && kBom.startsWith(m_start))
            return events;
        if (m_start.startsWith(kBom))
            m_start.remove(0, kBom.size());
        m_atStart = false;
        start = std::exchange(m_start, {});
        bytes = start;
    }
    const char *p = bytes.data();
    const char *const end = p + bytes.size();
    while (p < end) {
        if (m_afterCr && *p == '\n') { // the LF of a CRLF: the line already ended at its CR
            m_afterCr = false;
            ++p;
            continue;
        }
        const char *eol = p;
        while (eol < end && *eol != '\n' && *eol != '\r')
            ++eol;
        m_line.append(p, eol - p);
        if (eol == end) {
            m_afterCr = false;
            break;
        }
        processLine(QString::fromUtf8(m_line), events);
        m_line.resize(0); // keeps its capacity: one allocation per stream, not per line
        m_afterCr = *eol == '\r';
        p = eol + 1;
    }
    return events;
}

bool SseParser::finish()
{
    const bool dropped = m_hasData || !m_line.isEmpty();
    m_line.clear();
    m_start.clear();
    m_atStart = true; // a parser used again reads a new stream
    m_afterCr = false;
    m_data.clear();
    m_type.clear();
    m_hasData = false;
    return dropped;
}

void SseParser::processLine(const QString &line, QList<SseEvent> &events)
{
    if (line.isEmpty()) {
        if (m_hasData) {
            if (m_data.endsWith(u'\n'))
                m_data.chop(1);
            SseEvent event;
            if (!m_type.isEmpty())
                event.type = m_type;
            event.data = m_data;
            event.id = m_lastEventId;
            events.append(event);
        }
        m_data.clear();
        m_type.clear();
        m_hasData = false;
        return;
    }
    if (line.startsWith(u':'))
        return; // a comment (servers send them as keep-alives)
    const qsizetype colon = line.indexOf(u':');
    const QString field = colon < 0 ? line : line.left(colon);
    QStringView value = colon < 0 ? QStringView() : QStringView(line).mid(colon + 1);
    if (value.startsWith(u' '))
        value = value.mid(1);
    if (field == u"data") {
        m_data.append(value);
        m_data.append(u'\n');
        m_hasData = true;
    } else if (field == u"event") {
        m_type = value.toString();
    } else if (field == u"id") {
        if (!value.contains(QChar(0)))
            m_lastEventId = value.toString();
    } else if (field == u"retry") {
        bool digits = !value.isEmpty();
        for (QChar c : value)
            digits = digits && c >= u'0' && c <= u'9';
        if (digits)
            m_retryMs = value.toInt();
    }
    // Any other field is ignored, as the spec says.
}

} // namespace rag::providers
