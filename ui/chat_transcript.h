// A conversation as the user reads it: questions as escaped text, answers as Markdown (raw HTML
// in them shown as text) growing as deltas arrive, citations [ID:i] as links numbered from 1 that
// report the passage they name, the sources under each answer, and subtle marks for extractive answers, a reranker
// fallback, a stopped answer, and errors in red. Follows the end while the user has not scrolled up.
#pragma once

#include "chat/ask_types.h"
#include "api/records.h"

#include <QJsonObject>

#include <QTextBrowser>
#include <QTimer>

#include <optional>

namespace rag::ui {

class ChatTranscript : public QTextBrowser {
    Q_OBJECT
public:
    explicit ChatTranscript(QWidget *parent = nullptr);

    void clearTranscript();
    void setAssistantName(const QString &name); // the label over answers
    void addNote(const QString &text);          // a small grey line, e.g. "not saved"
    void addPrologue(const QString &text);      // the assistant's opening line
    void addMessages(const QList<api::StoredMessage> &messages);
    void addError(const QString &text); // in red, outside any answer (a conversation that did not load)

    // One exchange, streamed: the question, then an answer that grows, then its end.
    void addQuestion(const QString &text);
    void beginAnswer();
    void appendDelta(const QString &text);
    void finishAnswer(const chat::AskResult &result); // the final text: citations repaired, linked
    void failAnswer(const QString &error, bool stoppedByUser);

    // An answer's text as the reader sees it (citations as [n]), and the question it answers.
    QString answerText(int entry) const;
    QString questionOf(int entry) const; // empty when `entry` is not an answer after a question
    QJsonObject traceOf(int entry) const;  // stage -> ms, as the engine timed the answer

    // The passage a citation link (cite:MESSAGE/INDEX) names, if it names one.
    std::optional<api::ChatReference> reference(const QUrl &link) const;
    void openLink(const QUrl &link); // what clicking a link does
    int answerCount() const;

Q_SIGNALS:
    void citationActivated(const rag::api::ChatReference &reference);
    // Under a finished, failed or stopped answer: "copy" it, "ask-again" its question, or show
    // its "timing".
    void actionActivated(const QString &action, int entry);

protected:
    void changeEvent(QEvent *event) override; // a new palette: restyled at once

private:
    struct Style {
        QString label, quiet, error, questionBackground, questionText;
    };
    static Style styleFor(const QPalette &palette);
    struct Entry {
        enum class Kind { Note, Prologue, Question, Answer, Error };
        Kind kind = Kind::Note;
        QString text;
        QList<api::ChatReference> references;
        bool streaming = false;
        bool stopped = false;
        bool extractive = false;
        bool rerankFallback = false;
        QString rerankError;
        QString error;
        QJsonObject trace;
    };
    void add(Entry entry);
    void render();
    QString entryHtml(int index, const Entry &entry) const;
    QString streamingBodyHtml(const Entry &answer) const;
    void refreshStreamingAnswer();
    void trackScroll(int value);
    void followEnd();

    QList<Entry> m_entries;
    QString m_assistantName;
    bool m_stickToEnd = true; // the user has not scrolled up from the end
    bool m_rendering = false;
    Style m_style;
    QTimer m_streamRefresh;
    int m_streamStart = -1; // where the streaming answer's body begins in the document
};

} // namespace rag::ui
