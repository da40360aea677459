// Writes the large part of request bodies (a few dozen passages of a few KB each) straight to
// compact JSON: QJsonDocument converts every string twice on the way, which made building a
// rerank body a fifth of the engine thread's time under load (bench/RESULTS.md).
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>

namespace rag::providers::wire {

// Appends text as a JSON string literal (quoted, escaped, UTF-8).
void appendJsonString(QByteArray &out, QStringView text);

// The compact JSON of `object` with one more member, `key`: an array of `strings`.
QByteArray compactWithStringArray(const QJsonObject &object, QLatin1StringView key, const QStringList &strings);

} // namespace rag::providers::wire
