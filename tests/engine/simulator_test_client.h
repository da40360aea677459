// Shared by the simulator suites: a small blocking HTTP client over QNetworkAccessManager, the
// documents every rerank test scores, and checks of a ranking's shape.
#pragma once

#include "providers/sim/provider_simulator.h"
#include "providers/wire/sse_parser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <memory>
#include <vector>

using rag::sim::EndpointBehaviour;
using rag::sim::Fault;
using rag::sim::LatencyModel;
using rag::sim::ProviderSimulator;
using rag::sim::SimulatorProfile;

namespace simtest {

struct Answer {
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QList<QByteArray> pieces; // as readyRead delivered them
    QHash<QByteArray, QByteArray> headers;
    bool finished = false;

    QJsonObject object() const { return QJsonDocument::fromJson(body).object(); }
    QJsonArray array() const { return QJsonDocument::fromJson(body).array(); }
};

inline QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

inline SimulatorProfile profileFrom(const QByteArray &text)
{
    auto profile = SimulatorProfile::fromJson(text);
    if (!profile)
        qFatal("bad test profile: %s", qPrintable(profile.error()));
    return *profile;
}

// One request through QNAM; waits (spinning the event loop the simulator runs on) for the end.
class Client {
public:
    explicit Client(const ProviderSimulator &sim) : m_base(sim.baseUrl()) {}

    QNetworkReply *start(const QByteArray &path, const QByteArray &body, const QByteArray &method = "POST",
                         int transferTimeoutMs = 0)
    {
        QNetworkRequest request(m_base.resolved(QUrl(QString::fromLatin1(path))));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        request.setRawHeader("Authorization", "Bearer test-key");
        if (transferTimeoutMs > 0)
            request.setTransferTimeout(transferTimeoutMs);
        return m_nam.sendCustomRequest(request, method, body);
    }

    static Answer collect(QNetworkReply *reply, int waitMs = 15000)
    {
        Answer answer;
        QObject::connect(reply, &QNetworkReply::readyRead, reply, [reply, &answer] {
            const QByteArray piece = reply->readAll();
            answer.pieces.append(piece);
            answer.body += piece;
        });
        if (!reply->isFinished()) {
            QSignalSpy done(reply, &QNetworkReply::finished);
            done.wait(waitMs);
        }
        answer.finished = reply->isFinished();
        if (reply->isOpen()) // a reply aborted by its transfer timeout is closed
            answer.body += reply->readAll();
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.error = reply->error();
        for (const auto &[name, value] : reply->rawHeaderPairs())
            answer.headers.insert(name.toLower(), value);
        reply->deleteLater();
        return answer;
    }

    Answer post(const QByteArray &path, const QByteArray &body, int transferTimeoutMs = 0)
    {
        return collect(start(path, body, "POST", transferTimeoutMs));
    }

private:
    QUrl m_base;
    QNetworkAccessManager m_nam;
};

const QString kQuery = QStringLiteral("how do sea otters keep warm");
const QStringList kDocs{
    QStringLiteral("Stock markets closed higher on Friday."),
    QStringLiteral("Sea otters keep warm with the densest fur of any animal."),
    QStringLiteral("Otters live along the coast."),
};

// Results as (index, score) in reply order.
inline QList<std::pair<int, double>> pairs(const QJsonArray &items, const QString &scoreKey)
{
    QList<std::pair<int, double>> out;
    for (const QJsonValue &item : items)
        out.append({item[QStringLiteral("index")].toInt(-1), item[scoreKey].toDouble(NAN)});
    return out;
}

inline void verifyRanking(const QList<std::pair<int, double>> &ranked, int expectedCount, bool unitInterval)
{
    QCOMPARE(ranked.size(), expectedCount);
    QCOMPARE(ranked.first().first, 1); // shares every query term
    for (qsizetype i = 0; i < ranked.size(); ++i) {
        QVERIFY(ranked.at(i).first >= 0 && ranked.at(i).first < kDocs.size());
        QVERIFY(!std::isnan(ranked.at(i).second));
        if (unitInterval)
            QVERIFY(ranked.at(i).second >= 0 && ranked.at(i).second <= 1);
        if (i > 0)
            QVERIFY(ranked.at(i - 1).second >= ranked.at(i).second);
    }
}

inline double norm(const QJsonArray &vector)
{
    double sum = 0;
    for (const QJsonValue &v : vector)
        sum += v.toDouble() * v.toDouble();
    return std::sqrt(sum);
}

const QJsonArray kDocsJson = QJsonArray::fromStringList(kDocs);

} // namespace simtest

using namespace simtest;
