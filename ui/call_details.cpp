#include "call_details.h"

#include "call_table_model.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

namespace rag::ui {

namespace {

// Re-indents JSON text rather than re-serialising it: QJsonDocument would sort object keys and
// rewrite numbers, and an inspector should show what went over the wire.
QString indentJson(const QString &json)
{
    QString out;
    out.reserve(json.size() * 2);
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    const auto newline = [&] {
        out += u'\n';
        out += QString(depth * 2, u' ');
    };
    for (qsizetype i = 0; i < json.size(); ++i) {
        const QChar c = json.at(i);
        if (inString) {
            out += c;
            if (escaped)
                escaped = false;
            else if (c == u'\\')
                escaped = true;
            else if (c == u'"')
                inString = false;
            continue;
        }
        switch (c.unicode()) {
        case u'"':
            inString = true;
            out += c;
            break;
        case u'{':
        case u'[': {
            out += c;
            qsizetype next = i + 1;
            while (next < json.size() && json.at(next).isSpace())
                ++next;
            if (next < json.size() && (json.at(next) == u'}' || json.at(next) == u']')) {
                out += json.at(next); // keep {} and [] on one line
                i = next;
                break;
            }
            ++depth;
            newline();
            break;
        }
        case u'}':
        case u']':
            --depth;
            newline();
            out += c;
            break;
        case u',':
            out += c;
            newline();
            break;
        case u':':
            out += QStringLiteral(": ");
            break;
        default:
            if (!c.isSpace()) // whitespace between JSON tokens; the layout is ours now
                out += c;
        }
    }
    return out;
}

QPlainTextEdit *bodyView(const QString &objectName)
{
    auto *view = new QPlainTextEdit;
    view->setObjectName(objectName);
    view->setReadOnly(true);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return view;
}

QWidget *titled(const QString &title, QWidget *content)
{
    auto *box = new QWidget;
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto *label = new QLabel(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()));
    layout->addWidget(label);
    layout->addWidget(content);
    return box;
}

QString row(const QList<std::pair<QString, QString>> &cells)
{
    QString html = QStringLiteral("<tr>");
    for (const auto &[name, value] : cells)
        html += QStringLiteral("<td style='color:gray; padding-right:6px'>%1</td><td style='padding-right:18px'>%2</td>")
                    .arg(name.toHtmlEscaped(), value.toHtmlEscaped());
    return html + QStringLiteral("</tr>");
}

QString fieldsHtml(const api::RerankCallRecord &c)
{
    QStringList scores;
    for (double s : c.topScores)
        scores.append(QString::number(s, 'f', 3));
    QString html = QStringLiteral("<table cellspacing='0' cellpadding='1'>");
    html += row({{QObject::tr("Call"), QString::number(c.id)},
                 {QObject::tr("Time"), localTime(c.at)},
                 {QObject::tr("Status"), c.ok ? QStringLiteral("ok") : QObject::tr("error")}});
    html += row({{QObject::tr("Provider"), c.provider}, {QObject::tr("Model"), c.model}, {QObject::tr("Mode"), c.mode}});
    html += row({{QObject::tr("Thread"), c.thread},
                 {QObject::tr("Documents"), QString::number(c.documents)},
                 {QObject::tr("Request bytes"), QString::number(c.bytes)}});
    html += row({{QObject::tr("Attempts"), QString::number(c.attempts)},
                 {QObject::tr("HTTP status"), c.httpStatus > 0 ? QString::number(c.httpStatus) : QObject::tr("no reply")},
                 {QObject::tr("Latency"), QObject::tr("%1 ms").arg(c.latencyMs, 0, 'f', 1)}});
    html += row({{QObject::tr("Tokens"), QString::number(c.tokens)},
                 {QObject::tr("Top scores"), scores.isEmpty() ? QObject::tr("none") : scores.join(QStringLiteral(", "))}});
    html += QStringLiteral("<tr><td style='color:gray'>%1</td><td colspan='5'>%2</td></tr>")
                .arg(QObject::tr("Endpoint"), c.endpoint.toHtmlEscaped());
    if (!c.ok)
        html += QStringLiteral("<tr><td style='color:gray'>%1</td><td colspan='5' style='color:%2'>%3</td></tr>")
                    .arg(QObject::tr("Error"), errorColor().name(), c.error.toHtmlEscaped());
    return html + QStringLiteral("</table>");
}

} // namespace

QString prettyBody(const QString &body)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body.toUtf8(), &error);
    // Bodies are capped by the engine: a cut-off JSON body does not parse and shows as it is.
    if (error.error != QJsonParseError::NoError || doc.isNull())
        return body;
    return indentJson(body);
}

CallDetails::CallDetails(QWidget *parent) : QWidget(parent)
{
    m_fields = new QLabel;
    m_fields->setObjectName(QStringLiteral("callFields"));
    m_fields->setTextFormat(Qt::RichText);
    m_fields->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_fields->setWordWrap(true);
    m_fields->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_request = bodyView(QStringLiteral("requestBody"));
    m_response = bodyView(QStringLiteral("responseBody"));

    auto *bodies = new QSplitter(Qt::Horizontal);
    bodies->setChildrenCollapsible(false);
    bodies->addWidget(titled(tr("Request body"), m_request));
    bodies->addWidget(titled(tr("Response body"), m_response));
    m_replay = new QPushButton(tr("&Replay..."));
    m_replay->setObjectName(QStringLiteral("replayCall"));
    connect(m_replay, &QPushButton::clicked, this, [this] { Q_EMIT replayRequested(m_shown); });
    auto *top = new QHBoxLayout;
    top->addWidget(m_fields, 1);
    top->addWidget(m_replay, 0, Qt::AlignTop);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addLayout(top);
    layout->addWidget(bodies, 1);
    clear();
}

void CallDetails::offerReplay(const api::RerankCallRecord &call)
{
    m_shown = call;
    m_replay->setEnabled(call.replayable());
    if (call.id == 0)
        m_replay->setToolTip(tr("Replays the selected call to another reranker"));
    else if (call.replayable())
        m_replay->setToolTip(tr("Send this call's query and %1 documents to a reranker of your choice and compare "
                                "the rankings").arg(call.chunkIds.size()));
    else if (!call.ok)
        m_replay->setToolTip(tr("A failed call returned no ranking to compare with"));
    else
        m_replay->setToolTip(tr("This call was logged without its documents (a provider test, or a call made "
                                "before calls kept them)"));
}

void CallDetails::showCall(const api::RerankCallRecord &call)
{
    m_fields->setText(fieldsHtml(call));
    offerReplay({}); // known once the bodies are read
    for (QPlainTextEdit *view : {m_request, m_response}) {
        view->clear();
        view->setPlaceholderText(tr("Loading..."));
    }
}

void CallDetails::showBodies(const api::RerankCallRecord &call, const QString &error)
{
    if (!error.isEmpty()) {
        m_request->clear();
        m_response->clear();
        m_request->setPlaceholderText(error);
        m_response->setPlaceholderText(error);
        offerReplay({});
        return;
    }
    m_request->setPlaceholderText(tr("(empty)"));
    m_response->setPlaceholderText(call.ok ? tr("(empty)") : tr("(no response body)"));
    m_request->setPlainText(prettyBody(call.requestBody));
    m_response->setPlainText(prettyBody(call.responseBody));
    offerReplay(call);
}

void CallDetails::clear()
{
    m_fields->setText(tr("Select a call to see its fields and bodies."));
    offerReplay({});
    for (QPlainTextEdit *view : {m_request, m_response}) {
        view->clear();
        view->setPlaceholderText({});
    }
}

} // namespace rag::ui
