// Keeps secrets out of the call log and exports: replaces known secret values (API keys) and the
// values of JSON fields whose names say they hold one, then caps the text's size.
#pragma once

#include <QString>
#include <QStringList>

namespace rag::providers {

inline constexpr qsizetype kMaxLoggedBodyBytes = 16 * 1024;

QString redactSecrets(const QString &text, const QStringList &secrets);
// Redacts, then cuts to maxBytes of UTF-8 with a note of what was cut.
QString redactAndCap(const QByteArray &body, const QStringList &secrets, qsizetype maxBytes = kMaxLoggedBodyBytes);

} // namespace rag::providers
