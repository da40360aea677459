#include "providers/wire/sse_parser.h"

namespace rag::providers {

SseParser::SseParser() : m_decoder(QStringDecoder::Utf8) {}

QList<SseEvent> SseParser::feed(QByteArrayView bytes)
{
    QList<SseEvent> events;
    // The stateful decoder keeps a UTF-8 sequence split across chunks until its last byte.
    QString text = m_decoder.decode(bytes);
    if (m_firstText && !text.isEmpty()) {
        if (text.startsWith(QChar(0xFEFF)))
            text.remove(0, 1);
        m_firstText = false;
    }
    for (QChar c : std::as_const(text)) {
        if (c == u'\n') {
            if (!m_afterCr)
                processLine(m_line, events);
            m_line.clear();
            m_afterCr = false;
        } else if (c == u'\r') {
            processLine(m_line, events);
            m_line.clear();
            m_afterCr = true;
        } else {
            m_line.append(c);
            m_afterCr = false;
        }
    }
    return events;
}

bool SseParser::finish()
{
    const bool dropped = m_hasData || !m_line.isEmpty();
    m_line.clear();
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
