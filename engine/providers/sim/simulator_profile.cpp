#include "providers/sim/simulator_profile.h"

#include "providers/sim/sim_routes.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <cmath>
#include <optional>

namespace rag::sim {

namespace {

// The z-score of the 99th percentile of a standard normal distribution.
constexpr double kZ99 = 2.3263;

// Reads one profile object; every error names the offending key by its full path
// ("endpoints.rerank.latency.p99_ms") so a typo in a long profile is found at once.
class ProfileReader {
public:
    std::optional<Error> error;

    bool fail(const QString &key, const QString &problem)
    {
        if (!error)
            error = rag::fail(QStringLiteral("simulator profile: \"%1\" %2").arg(key, problem));
        return false;
    }

    // Unknown keys are errors, not silently ignored: "median" for "median_ms" would otherwise
    // quietly give a zero latency.
    bool onlyKeys(const QJsonObject &object, const QString &where, const QSet<QString> &allowed)
    {
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!allowed.contains(it.key()))
                return fail(where.isEmpty() ? it.key() : where + u'.' + it.key(), QStringLiteral("is not a known key"));
        }
        return true;
    }

    bool number(const QJsonObject &object, const QString &where, const QString &key, double min, double &out,
                bool required = true)
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined())
            return required ? fail(where + u'.' + key, QStringLiteral("is missing")) : true;
        if (!value.isDouble() || !std::isfinite(value.toDouble()) || value.toDouble() < min)
            return fail(where + u'.' + key, QStringLiteral("must be a number >= %1").arg(min));
        out = value.toDouble();
        return true;
    }

    bool integer(const QJsonObject &object, const QString &where, const QString &key, int min, int max, int &out)
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined())
            return true;
        const double v = value.toDouble(-1);
        if (!value.isDouble() || v != std::floor(v) || v < min || v > max)
            return fail(where + u'.' + key, QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max));
        out = int(v);
        return true;
    }

    bool latency(const QJsonValue &value, const QString &where, LatencyModel &out)
    {
        if (!value.isObject())
            return fail(where, QStringLiteral("must be an object"));
        const QJsonObject o = value.toObject();
        const QString model = o.value(QStringLiteral("model")).toString();
        if (model == u"fixed") {
            out.kind = LatencyModel::Kind::Fixed;
            return onlyKeys(o, where, {QStringLiteral("model"), QStringLiteral("ms")})
                && number(o, where, QStringLiteral("ms"), 0, out.fixedMs);
        }
        if (model == u"uniform") {
            out.kind = LatencyModel::Kind::Uniform;
            if (!onlyKeys(o, where, {QStringLiteral("model"), QStringLiteral("min_ms"), QStringLiteral("max_ms")})
                || !number(o, where, QStringLiteral("min_ms"), 0, out.minMs)
                || !number(o, where, QStringLiteral("max_ms"), 0, out.maxMs))
                return false;
            return out.maxMs >= out.minMs || fail(where + QLatin1String(".max_ms"), QStringLiteral("must be >= min_ms"));
        }
        if (model == u"lognormal") {
            out.kind = LatencyModel::Kind::LogNormal;
            if (!onlyKeys(o, where, {QStringLiteral("model"), QStringLiteral("median_ms"), QStringLiteral("p99_ms")})
                || !number(o, where, QStringLiteral("median_ms"), 0, out.medianMs)
                || !number(o, where, QStringLiteral("p99_ms"), 0, out.p99Ms))
                return false;
            if (out.medianMs <= 0)
                return fail(where + QLatin1String(".median_ms"), QStringLiteral("must be > 0 for a log-normal latency"));
            return out.p99Ms >= out.medianMs || fail(where + QLatin1String(".p99_ms"), QStringLiteral("must be >= median_ms"));
        }
        return fail(where + QLatin1String(".model"), QStringLiteral("must be \"fixed\", \"uniform\" or \"lognormal\""));
    }

    bool fault(const QJsonValue &value, const QString &where, Fault &out)
    {
        if (!value.isObject())
            return fail(where, QStringLiteral("must be an object"));
        const QJsonObject o = value.toObject();
        static const QHash<QString, Fault::Kind> kinds{
            {QStringLiteral("status"), Fault::Kind::Status},       {QStringLiteral("retry_after"), Fault::Kind::RetryAfter},
            {QStringLiteral("hang"), Fault::Kind::Hang},           {QStringLiteral("reset"), Fault::Kind::Reset},
            {QStringLiteral("malformed"), Fault::Kind::Malformed}, {QStringLiteral("truncate"), Fault::Kind::Truncate},
        };
        const QString kind = o.value(QStringLiteral("kind")).toString();
        if (!kinds.contains(kind))
            return fail(where + QLatin1String(".kind"),
                        QStringLiteral("must be one of status, retry_after, hang, reset, malformed, truncate"));
        out.kind = kinds.value(kind);
        out.status = out.kind == Fault::Kind::RetryAfter ? 429 : 503;
        if (!onlyKeys(o, where, {QStringLiteral("kind"), QStringLiteral("rate"), QStringLiteral("first"),
                                 QStringLiteral("status"), QStringLiteral("retry_after_s")})
            || !number(o, where, QStringLiteral("rate"), 0, out.rate, false)
            || !integer(o, where, QStringLiteral("first"), 0, 1'000'000'000, out.first)
            || !integer(o, where, QStringLiteral("status"), 400, 599, out.status)
            || !integer(o, where, QStringLiteral("retry_after_s"), 0, 86'400, out.retryAfterS))
            return false;
        return out.rate <= 1 || fail(where + QLatin1String(".rate"), QStringLiteral("must be a probability from 0 to 1"));
    }

    bool endpoint(const QJsonValue &value, const QString &where, EndpointBehaviour &out)
    {
        if (!value.isObject())
            return fail(where, QStringLiteral("must be an object"));
        const QJsonObject o = value.toObject();
        if (!onlyKeys(o, where, {QStringLiteral("latency"), QStringLiteral("faults"), QStringLiteral("stream_tokens"),
                                 QStringLiteral("tokens_per_s"), QStringLiteral("tokens_per_event")}))
            return false;
        if (o.contains(QStringLiteral("latency")) && !latency(o.value(QStringLiteral("latency")), where + QLatin1String(".latency"), out.latency))
            return false;
        if (!integer(o, where, QStringLiteral("stream_tokens"), 1, 1'000'000, out.streamTokens)
            || !integer(o, where, QStringLiteral("tokens_per_event"), 1, 1'000'000, out.tokensPerEvent)
            || !number(o, where, QStringLiteral("tokens_per_s"), 0, out.tokensPerSecond, false))
            return false;
        const QJsonValue faults = o.value(QStringLiteral("faults"));
        if (faults.isUndefined())
            return true;
        if (!faults.isArray())
            return fail(where + QLatin1String(".faults"), QStringLiteral("must be an array"));
        const QJsonArray list = faults.toArray();
        for (qsizetype i = 0; i < list.size(); ++i) {
            Fault f;
            if (!fault(list.at(i), QStringLiteral("%1.faults[%2]").arg(where).arg(i), f))
                return false;
            out.faults.append(f);
        }
        return true;
    }
};

bool isEndpointKey(const QString &key)
{
    if (key == u"rerank" || key == u"embed" || key == u"chat")
        return true;
    return findSimRoute(key.toUtf8()) != nullptr;
}

SimulatorProfile fieldProfile()
{
    // "field" (docs/loadtest.md, "Benchmark scenarios"): latencies as measured against hosted
    // providers; no faults.
    QJsonObject rerank{{QStringLiteral("latency"), QJsonObject{{QStringLiteral("model"), QStringLiteral("lognormal")},
                                                               {QStringLiteral("median_ms"), 250},
                                                               {QStringLiteral("p99_ms"), 500}}}};
    QJsonObject embed{{QStringLiteral("latency"), QJsonObject{{QStringLiteral("model"), QStringLiteral("uniform")},
                                                              {QStringLiteral("min_ms"), 20},
                                                              {QStringLiteral("max_ms"), 50}}}};
    QJsonObject chat{{QStringLiteral("latency"), QJsonObject{{QStringLiteral("model"), QStringLiteral("lognormal")},
                                                             {QStringLiteral("median_ms"), 200},
                                                             {QStringLiteral("p99_ms"), 400}}},
                     {QStringLiteral("stream_tokens"), 64},
                     {QStringLiteral("tokens_per_s"), 40},
                     {QStringLiteral("tokens_per_event"), 4}};
    const QJsonObject root{{QStringLiteral("endpoints"), QJsonObject{{QStringLiteral("rerank"), rerank},
                                                                     {QStringLiteral("embed"), embed},
                                                                     {QStringLiteral("chat"), chat}}}};
    return SimulatorProfile::fromJson(QJsonDocument(root).toJson()).value();
}

} // namespace

double LatencyModel::sample(std::mt19937_64 &rng) const
{
    switch (kind) {
    case Kind::Fixed:
        return fixedMs;
    case Kind::Uniform:
        if (maxMs <= minMs)
            return minMs;
        return std::uniform_real_distribution<double>(minMs, maxMs)(rng);
    case Kind::LogNormal: {
        if (medianMs <= 0)
            return 0;
        const double mu = std::log(medianMs);
        const double sigma = (std::log(std::max(p99Ms, medianMs)) - mu) / kZ99;
        if (sigma <= 0)
            return medianMs;
        return std::lognormal_distribution<double>(mu, sigma)(rng);
    }
    }
    return 0;
}

Result<SimulatorProfile> SimulatorProfile::fromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("simulator profile is not valid JSON: %1 at offset %2")
                        .arg(parseError.errorString())
                        .arg(parseError.offset));
    if (!doc.isObject())
        return fail(QStringLiteral("simulator profile must be a JSON object"));
    const QJsonObject root = doc.object();
    ProfileReader reader;
    SimulatorProfile profile;
    if (!reader.onlyKeys(root, {}, {QStringLiteral("seed"), QStringLiteral("endpoints")}))
        return *reader.error;
    const QJsonValue seed = root.value(QStringLiteral("seed"));
    if (!seed.isUndefined()) {
        const double s = seed.toDouble(-1);
        if (!seed.isDouble() || s < 0 || s != std::floor(s) || s > 9.0e15)
            return fail(QStringLiteral("simulator profile: \"seed\" must be a whole number >= 0"));
        profile.m_seed = quint64(s);
    }
    const QJsonValue endpoints = root.value(QStringLiteral("endpoints"));
    if (!endpoints.isUndefined() && !endpoints.isObject())
        return fail(QStringLiteral("simulator profile: \"endpoints\" must be an object"));
    const QJsonObject map = endpoints.toObject();
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString where = QStringLiteral("endpoints.") + it.key();
        if (!isEndpointKey(it.key()))
            return fail(QStringLiteral("simulator profile: \"%1\" is neither a group (rerank, embed, chat) nor a "
                                       "simulator route")
                            .arg(where));
        EndpointBehaviour behaviour;
        if (!reader.endpoint(it.value(), where, behaviour))
            return *reader.error;
        profile.m_endpoints.insert(it.key().toUtf8(), behaviour);
    }
    return profile;
}

Result<SimulatorProfile> SimulatorProfile::load(const QString &fileOrName)
{
    if (fileOrName == u"instant")
        return instant();
    if (fileOrName == u"field")
        return fieldProfile();
    QFile file(fileOrName);
    if (!QFileInfo::exists(fileOrName))
        return fail(QStringLiteral("no simulator profile file or built-in profile named \"%1\" (built-ins: instant, field)")
                        .arg(fileOrName));
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read simulator profile %1: %2").arg(fileOrName, file.errorString()));
    Result<SimulatorProfile> profile = fromJson(file.readAll());
    if (!profile)
        return fail(QStringLiteral("%1: %2").arg(fileOrName, profile.error()));
    return profile;
}

SimulatorProfile SimulatorProfile::instant()
{
    return SimulatorProfile();
}

EndpointBehaviour SimulatorProfile::behaviour(const QByteArray &group, const QByteArray &route) const
{
    return m_endpoints.value(endpointKey(group, route));
}

QByteArray SimulatorProfile::endpointKey(const QByteArray &group, const QByteArray &route) const
{
    return m_endpoints.contains(route) ? route : group;
}

} // namespace rag::sim
