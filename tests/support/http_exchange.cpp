#include "support/http_exchange.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QSignalSpy>

namespace rag::test {

QJsonObject HttpExchange::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QList<QJsonObject> HttpExchange::events(bool *sawDone) const
{
    QList<QJsonObject> out;
    for (const QByteArray &line : body.split('\n')) {
        if (!line.startsWith("data:"))
            continue;
        const QByteArray data = line.mid(5).trimmed();
        if (data == "[DONE]") {
            if (sawDone)
                *sawDone = true;
            continue;
        }
        out.append(QJsonDocument::fromJson(data).object());
    }
    return out;
}

HttpExchange finishExchange(QNetworkReply *reply)
{
    HttpExchange e;
    QByteArray collected;
    QObject::connect(reply, &QNetworkReply::readyRead, reply, [&] { collected += reply->readAll(); });
    if (!reply->isFinished()) {
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!done.wait(20000))
            qWarning("no answer within 20 s");
    }
    e.body = collected + reply->readAll();
    e.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    e.error = reply->error();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        e.headers.insert(name.toLower(), value);
    reply->disconnect();
    reply->deleteLater();
    return e;
}

HttpExchange exchange(QNetworkAccessManager &nam, const QByteArray &method, const QNetworkRequest &request,
                      const QByteArray &body)
{
    return finishExchange(nam.sendCustomRequest(request, method, body));
}

} // namespace rag::test
