#include "support/serve_fixture.h"

#include "store/assistant_repository.h"
#include "store/provider_repository.h"
#include "support/fixtures.h"

#include <QTest>

namespace rag::test {

ServeFixture::ServeFixture() : m_ws(std::make_unique<TempWorkspace>())
{
    if (!writeFile(m_ws->path(QStringLiteral("docs/otters.md")),
                   "# Sea otters\nSea otters hold hands while they sleep so that they do not drift apart.\n")
        || !writeFile(m_ws->path(QStringLiteral("docs/bees.md")),
                      "# Honey bees\nHoney bees dance to tell the hive where the flowers are.\n")) {
        QTest::qFail("cannot write the nature documents", __FILE__, __LINE__);
        return;
    }
    m_ws->ingest(QStringLiteral("nature"), {m_ws->path(QStringLiteral("docs"))});
    addAssistant(QStringLiteral("guide"));
}

ServeFixture::~ServeFixture()
{
    m_server.reset(); // before the engine it answers with
    m_engine.reset();
}

void ServeFixture::start(serve::ServeConfig config, chat::ChatEngineConfig engineConfig)
{
    m_server.reset();
    m_engine = std::make_unique<chat::ChatEngine>(*m_ws->workspace, engineConfig);
    m_server = std::make_unique<serve::ApiServer>(*m_ws->workspace, *m_engine, config);
    if (auto listening = m_server->listen(QHostAddress::LocalHost, 0); !listening)
        QTest::qFail(qPrintable(listening.error()), __FILE__, __LINE__);
}

qint64 ServeFixture::addAssistant(const QString &name, const QString &llm)
{
    store::AssistantSpec spec;
    spec.name = name;
    spec.knowledgeBases = {QStringLiteral("nature")};
    spec.llm = llm;
    auto created = store::AssistantRepository(m_ws->workspace->database().connection()).create(spec);
    if (!created) {
        QTest::qFail(qPrintable(created.error()), __FILE__, __LINE__);
        return 0;
    }
    return created->id;
}

qint64 ServeFixture::addSimulatedAssistant(const QString &name, const QString &simulatorUrl)
{
    const QString provider = name + QStringLiteral("-chat");
    store::ProviderRecord model{provider, QStringLiteral("openai-compatible"), simulatorUrl + QStringLiteral("/openai/v1"),
                                QStringLiteral("m")};
    if (auto added = store::ProviderRepository(m_ws->workspace->database().connection()).add(model); !added) {
        QTest::qFail(qPrintable(added.error()), __FILE__, __LINE__);
        return 0;
    }
    return addAssistant(name, provider);
}

QByteArray ServeFixture::baseUrl() const
{
    return "http://127.0.0.1:" + QByteArray::number(m_server->port());
}

QNetworkRequest ServeFixture::request(const QByteArray &path, const QByteArray &key) const
{
    QNetworkRequest r(QUrl(QString::fromUtf8(baseUrl() + path)));
    r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!key.isEmpty())
        r.setRawHeader("Authorization", "Bearer " + key);
    return r;
}

QNetworkReply *ServeFixture::send(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                                  const QByteArray &key)
{
    return m_nam.sendCustomRequest(request(path, key), method, body);
}

HttpExchange ServeFixture::call(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                                const QByteArray &key)
{
    return finishExchange(send(method, path, body, key));
}

} // namespace rag::test
