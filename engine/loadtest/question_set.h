// The questions a load test asks: sessions of one or more turns. A virtual user or an arrival
// takes the next session round-robin and asks its turns in order (a multi-turn conversation).
#pragma once

#include "core/result.h"

#include <QJsonArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace rag::loadtest {

struct QuestionSet {
    QList<QStringList> sessions; // never empty sessions
    int questionCount() const;
    bool isEmpty() const { return sessions.isEmpty(); }
};

// A text file: one question per line, a blank line ends a session (so consecutive lines are one
// multi-turn session), lines starting with '#' are comments. Or, for files whose first
// non-space character is '[', a JSON array whose items are strings (single-question sessions)
// or arrays of strings (sessions). An empty set is an error.
Result<QuestionSet> loadQuestions(const QString &path);
// The JSON form, for files and scenarios with inline questions; `key` names it in errors.
Result<QuestionSet> questionsFromJson(const QJsonArray &array, const QString &key);

} // namespace rag::loadtest
