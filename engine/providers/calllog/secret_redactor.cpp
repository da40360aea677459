#include "providers/calllog/secret_redactor.h"

#include <QRegularExpression>

namespace rag::providers {

namespace {

bool isNameCharacter(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' || u == '-';
}

// Whether a name holds one of the words the pattern below looks for, case-insensitively: most
// names of a provider's reply ("index", "relevance_score", 64 times a call) do not, and are then
// passed over without running the expression.
bool mayNameSecret(QStringView name)
{
    static constexpr QLatin1StringView kWords[] = {
        QLatin1StringView("apikey"),       QLatin1StringView("api_key"),      QLatin1StringView("api-key"),
        QLatin1StringView("secret"),       QLatin1StringView("password"),     QLatin1StringView("passwd"),
        QLatin1StringView("authorization"), QLatin1StringView("accesstoken"), QLatin1StringView("access_token"),
        QLatin1StringView("access-token"), QLatin1StringView("bearer"),
    };
    for (QLatin1StringView word : kWords) {
        if (name.contains(word, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

// "api_key": "...", "Authorization": "Bearer ...", "password": "..." and the like. The pattern
// can only match at a quote that opens a name of [A-Za-z0-9_-] closed by another quote, so it is
// tried there alone: the same replacement as a global match, without running the expression at
// every quote of passages that are tens of KB of text (that was a millisecond per rerank call).
QString redactSecretFields(const QString &text)
{
    static const QRegularExpression field(
        QStringLiteral(R"re(("(?:[A-Za-z0-9_-]*(?:api[_-]?key|apikey|secret|password|passwd|authorization|access[_-]?token|bearer)[A-Za-z0-9_-]*)"\s*:\s*)"(?:[^"\\]|\\.)*")re"),
        QRegularExpression::CaseInsensitiveOption);
    QString out;
    qsizetype copied = 0;
    const qsizetype n = text.size();
    for (qsizetype quote = text.indexOf(u'"'); quote >= 0 && quote < n; quote = text.indexOf(u'"', quote + 1)) {
        qsizetype end = quote + 1;
        while (end < n && isNameCharacter(text.at(end)))
            ++end;
        if (end == quote + 1 || end >= n || text.at(end) != u'"'
            || !mayNameSecret(QStringView(text).mid(quote + 1, end - quote - 1)))
            continue;
        const QRegularExpressionMatch match =
            field.match(text, quote, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
        if (!match.hasMatch())
            continue;
        out += QStringView(text).mid(copied, quote - copied);
        out += match.capturedView(1);
        out += QLatin1String("\"[redacted]\"");
        copied = match.capturedEnd();
        quote = copied - 1; // the search goes on after the match
    }
    if (copied == 0)
        return text;
    out += QStringView(text).mid(copied);
    return out;
}

} // namespace

QString redactSecrets(const QString &text, const QStringList &secrets)
{
    QString out = text;
    for (const QString &secret : secrets) {
        if (secret.size() >= 4) // a one-letter "key" would blank out half the text
            out.replace(secret, QStringLiteral("[redacted]"));
    }
    out = redactSecretFields(out);
    if (out.contains(QLatin1String("Bearer"))) {
        static const QRegularExpression bearer(QStringLiteral(R"(Bearer\s+[A-Za-z0-9._~+/=-]{4,})"));
        out.replace(bearer, QStringLiteral("Bearer [redacted]"));
    }
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
