#include "chat_transcript.h"

#include "api/conversation_markdown.h"
#include "field_labels.h"
#include "markdown_html.h"

#include <QEvent>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QScrollBar>
#include <QTextBlockFormat>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QUrl>

#include <algorithm>

namespace rag::ui {

namespace {

constexpr int kEndSlackPx = 4; // this close to the end counts as "at the end"
constexpr int kStreamRefreshMs = 50; // a streaming answer is re-rendered at most this often

// Colours chosen to read on the light and the dark default palettes alike, except the question's
// box, which sets its own text colour with its background.
const QString kBodyStyle = QStringLiteral("margin-top:0px;");

// User and model text is never trusted as markup.
QString escaped(const QString &text)
{
    return text.toHtmlEscaped().replace(u'\n', QStringLiteral("<br>"));
}

QString citeLink(int message, int index)
{
    return QStringLiteral("cite:%1/%2").arg(message).arg(index);
}

const api::ChatReference *findReference(const QList<api::ChatReference> &references, int index)
{
    const auto it = std::find_if(references.begin(), references.end(),
                                 [index](const api::ChatReference &r) { return r.index == index; });
    return it == references.end() ? nullptr : &*it;
}

// A citation as the reader sees it: numbered from 1 as people count, a link to the passage when
// the answer's passages are known (not while it streams, nor in an answer stopped midway).
QString citationHtml(int message, int index, const QList<api::ChatReference> &references)
{
    return findReference(references, index)
               ? QStringLiteral("<a href=\"%1\">[%2]</a>").arg(citeLink(message, index)).arg(index + 1)
               : QStringLiteral("[%1]").arg(index + 1);
}

QString answerBodyHtml(int message, const QString &answer, const QList<api::ChatReference> &references)
{
    return answerToHtml(answer, [&](int index) { return citationHtml(message, index, references); });
}

QString sourcesHtml(const QString &quietStyle, int message, QList<api::ChatReference> references)
{
    std::sort(references.begin(), references.end(),
              [](const api::ChatReference &a, const api::ChatReference &b) { return a.index < b.index; });
    QStringList items;
    for (const api::ChatReference &r : std::as_const(references)) {
        QString item = QStringLiteral("<a href=\"%1\">[%2]&nbsp;%3</a>")
                           .arg(citeLink(message, r.index))
                           .arg(r.index + 1)
                           .arg(r.document.toHtmlEscaped());
        if (r.page > 0)
            item += QObject::tr(", p. %1").arg(r.page);
        items.append(item);
    }
    return QStringLiteral("<p style=\"%1\">%2 %3</p>").arg(quietStyle, QObject::tr("Sources:"), items.join(QStringLiteral(", ")));
}

QString label(const QString &labelStyle, const QString &text)
{
    return QStringLiteral("<p style=\"%1\"><b>%2</b></p>").arg(labelStyle, text.toHtmlEscaped());
}

} // namespace

// From the palette, so dark themes read it too: quiet text in the palette's placeholder colour,
// the question's box in its alternate base, errors in a red chosen for the base's lightness.
ChatTranscript::Style ChatTranscript::styleFor(const QPalette &palette)
{
    const QString quiet = palette.color(QPalette::PlaceholderText).name();
    return {QStringLiteral("margin-top:14px; margin-bottom:3px; color:%1; font-size:small;").arg(quiet),
            QStringLiteral("margin-top:3px; color:%1; font-size:small;").arg(quiet),
            QStringLiteral("margin-top:3px; color:%1;").arg(errorTextColour(palette).name()),
            palette.color(QPalette::AlternateBase).name(), palette.color(QPalette::Text).name()};
}

void ChatTranscript::changeEvent(QEvent *event)
{
    QTextBrowser::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        m_style = styleFor(palette());
        render();
    }
}

ChatTranscript::ChatTranscript(QWidget *parent)
    : QTextBrowser(parent), m_assistantName(tr("Assistant")), m_style(styleFor(palette()))
{
    setOpenLinks(false); // citation links are ours to handle, never a navigation
    setOpenExternalLinks(false);
    setUndoRedoEnabled(false);
    document()->setDefaultStyleSheet(QStringLiteral("a { text-decoration: none; }"));
    connect(this, &QTextBrowser::anchorClicked, this, &ChatTranscript::openLink);
    m_streamRefresh.setSingleShot(true);
    m_streamRefresh.setInterval(kStreamRefreshMs);
    connect(&m_streamRefresh, &QTimer::timeout, this, &ChatTranscript::refreshStreamingAnswer);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &ChatTranscript::trackScroll);
    // The document grows (a delta, a re-render) after the scroll bar's range was read: follow it.
    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, [this] {
        if (m_stickToEnd)
            followEnd();
    });
}

void ChatTranscript::clearTranscript()
{
    m_entries.clear();
    m_stickToEnd = true;
    render();
}

void ChatTranscript::setAssistantName(const QString &name)
{
    m_assistantName = name.isEmpty() ? tr("Assistant") : name;
}

void ChatTranscript::add(Entry entry)
{
    m_entries.append(std::move(entry));
}

void ChatTranscript::addNote(const QString &text)
{
    add({Entry::Kind::Note, text});
    render();
}

void ChatTranscript::addPrologue(const QString &text)
{
    add({Entry::Kind::Prologue, text});
    render();
}

void ChatTranscript::addError(const QString &text)
{
    add({Entry::Kind::Error, text});
    render();
}

void ChatTranscript::addMessages(const QList<api::StoredMessage> &messages)
{
    for (const api::StoredMessage &message : messages) {
        if (message.role == u"user") {
            add({Entry::Kind::Question, message.content});
            continue;
        }
        Entry answer{Entry::Kind::Answer, message.content, message.references};
        // What the stored trace says about how the answer was made.
        const QJsonObject trace = QJsonDocument::fromJson(message.traceJson.toUtf8()).object();
        answer.rerankFallback = trace.value(QStringLiteral("rerank_fallback")).toBool();
        answer.rerankError = trace.value(QStringLiteral("rerank_error")).toString();
        answer.extractive = trace.value(QStringLiteral("extractive")).toBool();
        answer.trace = trace;
        add(std::move(answer));
    }
    render();
}

void ChatTranscript::addQuestion(const QString &text)
{
    add({Entry::Kind::Question, text});
    render();
}

void ChatTranscript::beginAnswer()
{
    Entry answer{Entry::Kind::Answer};
    answer.streaming = true;
    add(std::move(answer));
    m_stickToEnd = true; // the user just asked: show the answer coming
    render();
}

void ChatTranscript::appendDelta(const QString &text)
{
    if (m_entries.isEmpty() || !m_entries.last().streaming || text.isEmpty())
        return;
    m_entries.last().text += text;
    // Re-rendered as Markdown a few times a second, and only the answer, not the conversation:
    // a long conversation stays cheap however fast the deltas come.
    if (!m_streamRefresh.isActive())
        m_streamRefresh.start();
}

QString ChatTranscript::streamingBodyHtml(const Entry &answer) const
{
    if (answer.text.isEmpty())
        return QStringLiteral("<p style=\"%1\"><i>%2</i></p>").arg(m_style.quiet, tr("Thinking…"));
    // The passages are known once the answer ends; until then a citation is its number.
    return answerToHtml(answer.text, [](int index) { return citationHtml(-1, index, {}); });
}

void ChatTranscript::refreshStreamingAnswer()
{
    if (m_streamStart < 0 || m_entries.isEmpty() || !m_entries.last().streaming)
        return;
    QTextCursor cursor(document());
    cursor.setPosition(m_streamStart);
    cursor.movePosition(QTextCursor::End, QTextCursor::KeepAnchor);
    cursor.removeSelectedText();
    cursor.insertHtml(streamingBodyHtml(m_entries.last()));
}

void ChatTranscript::finishAnswer(const chat::AskResult &result)
{
    if (m_entries.isEmpty() || !m_entries.last().streaming)
        return;
    Entry &answer = m_entries.last();
    answer.streaming = false;
    answer.text = result.answer; // citations repaired or inserted after the stream
    answer.references = result.references;
    answer.extractive = result.extractive;
    answer.rerankFallback = result.rerankFallback;
    answer.rerankError = result.rerankError;
    answer.trace = result.trace;
    render();
}

void ChatTranscript::failAnswer(const QString &error, bool stoppedByUser)
{
    if (m_entries.isEmpty() || !m_entries.last().streaming)
        return;
    Entry &answer = m_entries.last();
    answer.streaming = false;
    answer.stopped = stoppedByUser; // the partial answer stays, marked
    if (!stoppedByUser)
        answer.error = error;
    render();
}

int ChatTranscript::answerCount() const
{
    return int(std::count_if(m_entries.begin(), m_entries.end(), [](const Entry &e) { return e.kind == Entry::Kind::Answer; }));
}

std::optional<api::ChatReference> ChatTranscript::reference(const QUrl &link) const
{
    if (link.scheme() != u"cite")
        return std::nullopt;
    const QStringList parts = link.path().split(u'/');
    bool messageOk = false;
    bool indexOk = false;
    const int message = parts.size() == 2 ? parts[0].toInt(&messageOk) : -1;
    const int index = parts.size() == 2 ? parts[1].toInt(&indexOk) : -1;
    if (!messageOk || !indexOk || message < 0 || message >= m_entries.size())
        return std::nullopt;
    const api::ChatReference *found = findReference(m_entries[message].references, index);
    return found ? std::optional(*found) : std::nullopt;
}

void ChatTranscript::openLink(const QUrl &link)
{
    if (link.scheme() == u"action") {
        const QString action = link.path().section(u'/', 0, 0);
        bool ok = false;
        const int entry = link.path().section(u'/', 1, 1).toInt(&ok);
        if (ok && entry >= 0 && entry < m_entries.size() && m_entries[entry].kind == Entry::Kind::Answer)
            Q_EMIT actionActivated(action, entry);
        return;
    }
    if (const auto found = reference(link))
        Q_EMIT citationActivated(*found);
}

QString ChatTranscript::answerText(int entry) const
{
    if (entry < 0 || entry >= m_entries.size() || m_entries[entry].kind != Entry::Kind::Answer)
        return {};
    return api::citationsNumberedFromOne(m_entries[entry].text);
}

QJsonObject ChatTranscript::traceOf(int entry) const
{
    return entry >= 0 && entry < m_entries.size() ? m_entries[entry].trace : QJsonObject();
}

QString ChatTranscript::questionOf(int entry) const
{
    if (entry <= 0 || entry >= m_entries.size() || m_entries[entry].kind != Entry::Kind::Answer
        || m_entries[entry - 1].kind != Entry::Kind::Question)
        return {};
    return m_entries[entry - 1].text;
}

QString ChatTranscript::entryHtml(int index, const Entry &entry) const
{
    switch (entry.kind) {
    case Entry::Kind::Note:
        return QStringLiteral("<p style=\"%1\"><i>%2</i></p>").arg(m_style.quiet, escaped(entry.text));
    case Entry::Kind::Error:
        return QStringLiteral("<p style=\"%1\">%2</p>").arg(m_style.error, escaped(entry.text));
    case Entry::Kind::Prologue:
        return label(m_style.label, m_assistantName) + QStringLiteral("<p style=\"%1\">%2</p>").arg(kBodyStyle, escaped(entry.text));
    case Entry::Kind::Question:
        // A table is the one block QTextDocument pads: the question sits in a tinted box.
        return label(m_style.label, tr("You"))
               + QStringLiteral("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"7\" style=\"background-color:%1;\">"
                                "<tr><td style=\"color:%2;\">%3</td></tr></table>")
                     .arg(m_style.questionBackground, m_style.questionText, escaped(entry.text));
    case Entry::Kind::Answer:
        break;
    }
    QString html = label(m_style.label, m_assistantName);
    if (entry.streaming) // its body follows, written by render() and refreshStreamingAnswer()
        return html;
    if (!entry.text.isEmpty())
        html += answerBodyHtml(index, entry.text, entry.references);
    if (!entry.error.isEmpty())
        html += QStringLiteral("<p style=\"%1\">%2</p>").arg(m_style.error, escaped(tr("Error: %1").arg(entry.error)));
    QStringList marks;
    if (entry.stopped)
        marks.append(tr("stopped"));
    if (entry.extractive)
        marks.append(tr("extractive answer from your documents"));
    if (entry.rerankFallback)
        marks.append(tr("reranker failed; hybrid order used"));
    if (!marks.isEmpty())
        html += QStringLiteral("<p style=\"%1\"><i>%2</i></p>").arg(m_style.quiet, marks.join(QStringLiteral(" · ")).toHtmlEscaped());
    if (!entry.references.isEmpty())
        html += sourcesHtml(m_style.quiet, index, entry.references);
    QStringList actions;
    if (!entry.text.isEmpty())
        actions.append(QStringLiteral("<a href=\"action:copy/%1\">%2</a>").arg(index).arg(tr("Copy")));
    if (!questionOf(index).isEmpty())
        actions.append(QStringLiteral("<a href=\"action:ask-again/%1\">%2</a>").arg(index).arg(tr("Ask again")));
    if (!entry.trace.isEmpty())
        actions.append(QStringLiteral("<a href=\"action:timing/%1\">%2</a>").arg(index).arg(tr("Timing")));
    if (!actions.isEmpty())
        html += QStringLiteral("<p style=\"%1\">%2</p>").arg(m_style.quiet, actions.join(QStringLiteral(" · ")));
    return html;
}

void ChatTranscript::render()
{
    QScrollBar *bar = verticalScrollBar();
    const int value = bar->value();
    QString html;
    for (int i = 0; i < m_entries.size(); ++i)
        html += entryHtml(i, m_entries[i]);
    m_rendering = true; // the bar jumps while the document is replaced; that is not the user
    setHtml(html);
    m_streamRefresh.stop();
    m_streamStart = -1;
    if (!m_entries.isEmpty() && m_entries.last().streaming) {
        // The streaming answer's body ends the document, from a block of its own: what
        // refreshStreamingAnswer() replaces.
        QTextCursor cursor(document());
        cursor.movePosition(QTextCursor::End);
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
        m_streamStart = cursor.position();
        cursor.insertHtml(streamingBodyHtml(m_entries.last()));
    }
    m_rendering = false;
    if (m_stickToEnd)
        followEnd();
    else
        bar->setValue(value);
}

void ChatTranscript::trackScroll(int value)
{
    if (!m_rendering)
        m_stickToEnd = value >= verticalScrollBar()->maximum() - kEndSlackPx;
}

void ChatTranscript::followEnd()
{
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
}

} // namespace rag::ui
