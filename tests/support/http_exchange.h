// One HTTP exchange made with Qt's client and waited for, as API suites make them: status,
// headers (lower-cased), the whole body, and its JSON or SSE events.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>

class QNetworkAccessManager;

namespace rag::test {

struct HttpExchange {
    int status = 0;
    QByteArray body;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QHash<QByteArray, QByteArray> headers;

    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
    QJsonObject json() const;
    QJsonObject errorObject() const { return json().value(QStringLiteral("error")).toObject(); }
    // The JSON payloads of the body's SSE "data:" lines; sawDone: a "[DONE]" line was among them.
    QList<QJsonObject> events(bool *sawDone = nullptr) const;
};

// Waits for the reply (up to 20 s), collecting what it streams, then deletes it later.
HttpExchange finishExchange(QNetworkReply *reply);
HttpExchange exchange(QNetworkAccessManager &nam, const QByteArray &method, const QNetworkRequest &request,
                      const QByteArray &body = {});

} // namespace rag::test
