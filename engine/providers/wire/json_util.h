// Small JSON reading helpers shared by the wire-format parsers (private to engine/providers/wire).
// Replies come from servers we do not control: every accessor checks type and range.
#pragma once

#include "core/json_reader.h"
#include "core/result.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QString>

#include <cmath>
#include <optional>

namespace rag::providers::wire {

// The first `max` characters of a body, for error messages (never a surrogate half).
inline QString bodySnippet(const QByteArray &body, qsizetype max = 200)
{
    QString text = QString::fromUtf8(body).trimmed();
    if (text.size() > max) {
        qsizetype cut = max;
        if (text.at(cut - 1).isHighSurrogate())
            --cut;
        text = text.left(cut) + QStringLiteral("...");
    }
    return text;
}

// `what` names the reply ("jina rerank reply") so the message says whose answer was bad.
inline Result<QJsonDocument> parseJsonBody(const QByteArray &body, const QString &what)
{
    // Our reader first (Qt 6.4's builds every string a character at a time); Qt's for what it
    // declines, and for the error message.
    if (std::optional<QJsonObject> object = readJsonObject(body))
        return QJsonDocument(*object);
    QJsonParseError error;
    QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError) {
        return fail(QStringLiteral("%1 is not JSON (%2 at offset %3): %4")
                        .arg(what, error.errorString())
                        .arg(error.offset)
                        .arg(body.isEmpty() ? QStringLiteral("empty body") : bodySnippet(body, 80)));
    }
    return doc;
}

// A JSON number that is a whole number (1 and 1.0 both are; 1.5, "1", NaN are not).
inline std::optional<qint64> integerValue(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double d = value.toDouble();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e15)
        return std::nullopt;
    return static_cast<qint64>(d);
}

inline std::optional<double> finiteNumber(const QJsonValue &value)
{
    if (!value.isDouble() || !std::isfinite(value.toDouble()))
        return std::nullopt;
    return value.toDouble();
}

} // namespace rag::providers::wire
