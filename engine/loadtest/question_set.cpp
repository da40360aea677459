#include "loadtest/question_set.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>

namespace rag::loadtest {

int QuestionSet::questionCount() const
{
    int n = 0;
    for (const QStringList &s : sessions)
        n += int(s.size());
    return n;
}

Result<QuestionSet> questionsFromJson(const QJsonArray &array, const QString &key)
{
    QuestionSet set;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString at = QStringLiteral("%1[%2]").arg(key).arg(i);
        const QJsonValue item = array.at(i);
        QStringList session;
        if (item.isString()) {
            session << item.toString().trimmed();
        } else if (item.isArray()) {
            for (const QJsonValue &turn : item.toArray()) {
                if (!turn.isString())
                    return fail(at + QStringLiteral(" must be an array of strings"));
                session << turn.toString().trimmed();
            }
        } else {
            return fail(at + QStringLiteral(" must be a string or an array of strings"));
        }
        if (session.isEmpty() || session.contains(QString()))
            return fail(at + QStringLiteral(" must not be empty"));
        set.sessions << session;
    }
    if (set.isEmpty())
        return fail(key + QStringLiteral(" has no questions"));
    return set;
}

Result<QuestionSet> loadQuestions(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read the questions file %1: %2").arg(path, file.errorString()));
    const QByteArray data = file.readAll();
    if (data.trimmed().startsWith('[')) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(data, &error);
        if (!doc.isArray())
            return fail(QStringLiteral("%1 is not a valid JSON array: %2").arg(path, error.errorString()));
        return questionsFromJson(doc.array(), path);
    }
    QuestionSet set;
    QStringList session;
    for (const QString &raw : QString::fromUtf8(data).split(QLatin1Char('\n'))) {
        const QString line = raw.trimmed();
        if (line.startsWith(QLatin1Char('#')))
            continue; // a comment neither ends nor starts a session
        if (line.isEmpty()) {
            if (!session.isEmpty())
                set.sessions << session;
            session.clear();
            continue;
        }
        session << line;
    }
    if (!session.isEmpty())
        set.sessions << session;
    if (set.isEmpty())
        return fail(QStringLiteral("the questions file %1 has no questions").arg(path));
    return set;
}

} // namespace rag::loadtest
