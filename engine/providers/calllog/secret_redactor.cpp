#include "providers/calllog/secret_redactor.h"

#include <QRegularExpression>

namespace rag::providers {

QString redactSecrets(const QString &text, const QStringList &secrets)
{
    QString out = text;
    for (const QString &secret : secrets) {
        if (secret.size() >= 4) // a one-letter "key" would blank out half the text
            out.replace(secret, QStringLiteral("[redacted]"));
    }
    // "api_key": "...", "Authorization": "Bearer ...", "password": "..." and the like.
    static const QRegularExpression field(
        QStringLiteral(R"re(("(?:[A-Za-z0-9_-]*(?:api[_-]?key|apikey|secret|password|passwd|authorization|access[_-]?token|bearer)[A-Za-z0-9_-]*)"\s*:\s*)"(?:[^"\\]|\\.)*")re"),
        QRegularExpression::CaseInsensitiveOption);
    out.replace(field, QStringLiteral("\\1\"[redacted]\""));
    static const QRegularExpression bearer(QStringLiteral(R"(Bearer\s+[A-Za-z0-9._~+/=-]{4,})"));
    out.replace(bearer, QStringLiteral("Bearer [redacted]"));
    return out;
}

QString redactAndCap(const QByteArray &body, const QStringList &secrets, qsizetype maxBytes)
{
    // Redact before cutting, so a secret split by the cut cannot leak its first half.
    const QByteArray redacted = redactSecrets(QString::fromUtf8(body), secrets).toUtf8();
    if (redacted.size() <= maxBytes)
        return QString::fromUtf8(redacted);
    qsizetype cut = maxBytes;
    while (cut > 0 && (quint8(redacted.at(cut)) & 0xC0) == 0x80)
        --cut; // do not split a UTF-8 sequence
    return QString::fromUtf8(redacted.left(cut)) +
           QStringLiteral("…[%1 more bytes not kept]").arg(redacted.size() - cut);
}

} // namespace rag::providers
