#include "loadtest/scenario.h"

#include "loadtest/threshold.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QHash>

#include <cmath>

namespace rag::loadtest {

LoadSpec LoadSpec::atStep(int step) const
{
    LoadSpec l = *this;
    l.sweep.clear();
    if (step < 0 || step >= sweep.size())
        return l;
    if (model == LoadModel::Closed)
        l.users = int(sweep.at(step));
    else
        l.rate = sweep.at(step);
    return l;
}

double LoadSpec::totalS() const
{
    if (model == LoadModel::Open && !stages.isEmpty()) {
        double total = 0;
        for (const RateStage &s : stages)
            total += s.durationS;
        return total;
    }
    return warmupS + durationS;
}

namespace {

// Upper bounds, so that a slip of the keyboard (users: 5e9) is refused rather than overflowing
// an int or scheduling billions of arrivals: a week for times, 100k req/s, a million users.
double maximumOf(const QString &key)
{
    static const QHash<QString, double> maxima{
        {QStringLiteral("users"), 1e6}, {QStringLiteral("pool"), 1e4}, {QStringLiteral("iterations"), 1e9},
        {QStringLiteral("rate"), 1e5}, {QStringLiteral("think_ms"), 604800e3}, {QStringLiteral("seed"), 9007199254740992.0},
        {QStringLiteral("connections"), 1e4}};
    return maxima.value(key, key.endsWith(QLatin1String("_s")) ? 604800.0 : 1e15);
}

// Reads one JSON object, remembering the first error; every accessor names the full key path.
class Reader {
public:
    Reader(QJsonObject object, QString prefix, QString *error)
        : m_object(std::move(object)), m_prefix(std::move(prefix)), m_error(error) {}

    QString key(const QString &k) const { return m_prefix.isEmpty() ? k : m_prefix + QLatin1Char('.') + k; }
    bool has(const QString &k) const { return m_object.contains(k); }
    QJsonValue value(const QString &k) const { return m_object.value(k); }
    bool failed() const { return !m_error->isEmpty(); }
    void fail(const QString &message) const
    {
        if (m_error->isEmpty())
            *m_error = message;
    }

    // Refuses keys other than `allowed`: a typo must not silently become a default.
    void onlyKeys(const QStringList &allowed) const
    {
        for (const QString &k : m_object.keys())
            if (!allowed.contains(k))
                fail(QStringLiteral("unknown key %1 (allowed: %2)").arg(key(k), allowed.join(QStringLiteral(", "))));
    }

    QString string(const QString &k, const QString &fallback, bool required = false) const
    {
        if (!has(k)) {
            if (required)
                fail(QStringLiteral("%1 is required").arg(key(k)));
            return fallback;
        }
        const QJsonValue v = value(k);
        if (!v.isString() || v.toString().trimmed().isEmpty()) {
            fail(QStringLiteral("%1 must be a non-empty string").arg(key(k)));
            return fallback;
        }
        return v.toString().trimmed();
    }

    bool boolean(const QString &k, bool fallback) const
    {
        if (!has(k))
            return fallback;
        if (!value(k).isBool())
            fail(QStringLiteral("%1 must be true or false").arg(key(k)));
        return value(k).toBool(fallback);
    }

    QString choice(const QString &k, const QStringList &choices, const QString &fallback) const
    {
        const QString s = string(k, fallback);
        if (!choices.contains(s))
            fail(QStringLiteral("%1 must be one of %2").arg(key(k), choices.join(QStringLiteral(", "))));
        return s;
    }

    // A number >= `minimum` (> when `strict`); `whole` requires an integer.
    double number(const QString &k, double fallback, double minimum, bool whole, bool strict = false,
                  bool required = false) const
    {
        if (!has(k)) {
            if (required)
                fail(QStringLiteral("%1 is required").arg(key(k)));
            return fallback;
        }
        const QJsonValue v = value(k);
        const double d = v.toDouble();
        const bool okType = v.isDouble() && std::isfinite(d) && (!whole || d == std::floor(d));
        const bool okRange = strict ? d > minimum : d >= minimum;
        if (okType && okRange && d > maximumOf(k)) {
            fail(QStringLiteral("%1 must be <= %2").arg(key(k), QString::number(maximumOf(k), 'g', 16)));
            return fallback;
        }
        if (!okType || !okRange) {
            fail(QStringLiteral("%1 must be a %2 %3 %4")
                     .arg(key(k), whole ? QStringLiteral("whole number") : QStringLiteral("number"),
                          strict ? QStringLiteral(">") : QStringLiteral(">="), QString::number(minimum)));
            return fallback;
        }
        return d;
    }

    Reader object(const QString &k) const
    {
        const QJsonValue v = value(k);
        if (!v.isObject())
            fail(QStringLiteral("%1 must be an object").arg(key(k)));
        return Reader(v.toObject(), key(k), m_error);
    }

private:
    QJsonObject m_object;
    QString m_prefix;
    QString *m_error;
};

QString resolve(const QString &baseDir, const QString &path)
{
    return QDir::cleanPath(QDir(baseDir).absoluteFilePath(path));
}

void readTarget(const Reader &r, TargetSpec &t)
{
    const QString kind = r.choice(QStringLiteral("kind"), {QStringLiteral("embedded"), QStringLiteral("openai"), QStringLiteral("ragflow")}, QString());
    if (r.failed())
        return;
    if (kind == QLatin1String("embedded")) {
        t.kind = TargetKind::Embedded;
        r.onlyKeys({QStringLiteral("kind"), QStringLiteral("kb"), QStringLiteral("assistant"), QStringLiteral("mode"), QStringLiteral("pool"),
                    QStringLiteral("deadline_s")});
        t.kb = r.string(QStringLiteral("kb"), QString(), true);
        t.assistant = r.string(QStringLiteral("assistant"), QString());
        t.mode = r.choice(QStringLiteral("mode"), {QStringLiteral("async"), QStringLiteral("blocking")}, QStringLiteral("async")) == QLatin1String("blocking")
            ? EngineMode::Blocking : EngineMode::Async;
        t.pool = int(r.number(QStringLiteral("pool"), 35, 1, true));
        t.deadlineS = r.number(QStringLiteral("deadline_s"), 120, 0, false, true);
        return;
    }
    const bool openai = kind == QLatin1String("openai");
    t.kind = openai ? TargetKind::OpenAi : TargetKind::RagFlow;
    const QString idKey = openai ? QStringLiteral("model") : QStringLiteral("chat_id");
    r.onlyKeys({QStringLiteral("kind"), QStringLiteral("url"), idKey, QStringLiteral("api_key_env"), QStringLiteral("http2")});
    t.url = r.string(QStringLiteral("url"), QString(), true);
    if (!r.failed() && !t.url.startsWith(QLatin1String("http://")) && !t.url.startsWith(QLatin1String("https://")))
        r.fail(QStringLiteral("%1 must be an http:// or https:// URL").arg(r.key(QStringLiteral("url"))));
    (openai ? t.model : t.chatId) = r.string(idKey, QString(), true);
    t.apiKeyEnv = r.string(QStringLiteral("api_key_env"), QString());
    t.http2 = r.boolean(QStringLiteral("http2"), false);
}

void readProviders(const Reader &root, const QString &baseDir, ProviderSpec &p)
{
    const QJsonValue v = root.value(QStringLiteral("providers"));
    if (v.isString()) {
        if (v.toString() != QLatin1String("real"))
            root.fail(QStringLiteral("providers must be \"real\" or an object"));
        p.real = true;
        return;
    }
    const Reader r = root.object(QStringLiteral("providers"));
    r.onlyKeys({QStringLiteral("simulator"), QStringLiteral("real")});
    if (r.has(QStringLiteral("real")) == r.has(QStringLiteral("simulator")))
        return r.fail(QStringLiteral("providers needs exactly one of simulator, real"));
    if (r.has(QStringLiteral("real"))) {
        if (r.value(QStringLiteral("real")) != QJsonValue(true))
            r.fail(QStringLiteral("providers.real must be true"));
        p.real = true;
        return;
    }
    const Reader s = r.object(QStringLiteral("simulator"));
    s.onlyKeys({QStringLiteral("profile"), QStringLiteral("file"), QStringLiteral("connections"), QStringLiteral("http2")});
    p.simulatorConnections = int(s.number(QStringLiteral("connections"), p.simulatorConnections, 1, true));
    p.simulatorHttp2 = s.boolean(QStringLiteral("http2"), p.simulatorHttp2);
    if (s.has(QStringLiteral("profile")) && s.has(QStringLiteral("file")))
        return s.fail(QStringLiteral("providers.simulator takes profile or file, not both"));
    if (s.has(QStringLiteral("file"))) {
        p.simulatorProfile.clear();
        p.simulatorFile = resolve(baseDir, s.string(QStringLiteral("file"), QString()));
    } else {
        p.simulatorProfile = s.string(QStringLiteral("profile"), p.simulatorProfile);
    }
}

// The arrivals an open model schedules (the area under its rate curve): they are all computed
// up front, so a rate-times-duration slip must not ask for billions of them.
constexpr double kMaxArrivals = 1e7;

double expectedArrivals(const LoadSpec &l)
{
    if (l.stages.isEmpty())
        return l.rate * l.totalS();
    double area = 0;
    double previous = l.rate;
    for (const RateStage &stage : l.stages) {
        area += stage.durationS * (previous + stage.rate) / 2;
        previous = stage.rate;
    }
    return area;
}

void readOpenLoad(const Reader &r, LoadSpec &l);

constexpr int kMaxSweepSteps = 50;

// "sweep": [1, 10, 50]: ascending load values, whole numbers of users in a closed model.
void readSweep(const Reader &r, LoadSpec &l)
{
    const QString key = r.key(QStringLiteral("sweep"));
    const QJsonValue v = r.value(QStringLiteral("sweep"));
    if (!v.isArray() || v.toArray().isEmpty() || v.toArray().size() > kMaxSweepSteps)
        return r.fail(QStringLiteral("%1 must be an array of 1 to %2 load values").arg(key).arg(kMaxSweepSteps));
    const bool closed = l.model == LoadModel::Closed;
    const double maximum = closed ? 1e6 : 1e5;
    double previous = 0;
    for (const QJsonValue &item : v.toArray()) {
        const double value = item.toDouble(-1);
        if (!item.isDouble() || value <= previous || value > maximum || (closed && value != std::floor(value)))
            return r.fail(QStringLiteral("%1 must hold ascending %2 above 0 and up to %3")
                              .arg(key, closed ? QStringLiteral("whole numbers of users") : QStringLiteral("rates"))
                              .arg(maximum, 0, 'g', 7));
        l.sweep << value;
        previous = value;
    }
    if (l.iterations || !l.stages.isEmpty())
        r.fail(QStringLiteral("%1 cannot be combined with %2").arg(key, r.key(l.iterations ? QStringLiteral("iterations") : QStringLiteral("stages"))));
}

void readLoad(const Reader &r, LoadSpec &l)
{
    const QString model = r.choice(QStringLiteral("model"), {QStringLiteral("closed"), QStringLiteral("open")}, QStringLiteral("closed"));
    if (r.failed())
        return;
    l.warmupS = r.number(QStringLiteral("warmup_s"), 0, 0, false);
    if (model == QLatin1String("closed")) {
        l.model = LoadModel::Closed;
        r.onlyKeys({QStringLiteral("model"), QStringLiteral("users"), QStringLiteral("ramp_s"), QStringLiteral("think_ms"), QStringLiteral("think"),
                    QStringLiteral("iterations"), QStringLiteral("warmup_s"), QStringLiteral("duration_s"), QStringLiteral("sweep")});
        l.users = int(r.number(QStringLiteral("users"), 1, 1, true));
        l.rampS = r.number(QStringLiteral("ramp_s"), 0, 0, false);
        l.thinkMs = r.number(QStringLiteral("think_ms"), 0, 0, false);
        l.think = r.choice(QStringLiteral("think"), {QStringLiteral("fixed"), QStringLiteral("exponential")}, QStringLiteral("fixed")) == QLatin1String("exponential")
            ? ThinkKind::Exponential : ThinkKind::Fixed;
        if (r.has(QStringLiteral("iterations")))
            l.iterations = int(r.number(QStringLiteral("iterations"), 1, 1, true));
        l.durationS = r.number(QStringLiteral("duration_s"), 0, 0, false, true, !l.iterations.has_value());
        if (r.has(QStringLiteral("sweep")) && !r.failed()) {
            readSweep(r, l);
            l.users = l.sweep.isEmpty() ? l.users : int(l.sweep.constLast());
        }
        return;
    }
    l.model = LoadModel::Open;
    readOpenLoad(r, l);
    if (r.has(QStringLiteral("sweep")) && !r.failed()) {
        readSweep(r, l);
        l.rate = l.sweep.isEmpty() ? l.rate : l.sweep.constLast(); // the largest step bounds the arrivals
    }
    if (!r.failed() && expectedArrivals(l) > kMaxArrivals)
        r.fail(QStringLiteral("load schedules %1 arrivals, more than %2: lower load.rate or the duration")
                   .arg(expectedArrivals(l), 0, 'g', 3).arg(kMaxArrivals, 0, 'g', 3));
}

void readOpenLoad(const Reader &r, LoadSpec &l)
{
    r.onlyKeys({QStringLiteral("model"), QStringLiteral("rate"), QStringLiteral("arrival"), QStringLiteral("stages"), QStringLiteral("warmup_s"),
                QStringLiteral("duration_s"), QStringLiteral("sweep")});
    l.arrival = r.choice(QStringLiteral("arrival"), {QStringLiteral("constant"), QStringLiteral("poisson")}, QStringLiteral("constant")) == QLatin1String("poisson")
        ? ArrivalKind::Poisson : ArrivalKind::Constant;
    if (!r.has(QStringLiteral("stages"))) {
        // With a sweep the rates come from it.
        l.rate = r.number(QStringLiteral("rate"), 0, 0, false, true, !r.has(QStringLiteral("sweep")));
        l.durationS = r.number(QStringLiteral("duration_s"), 0, 0, false, true, true);
        return;
    }
    if (r.has(QStringLiteral("duration_s")))
        return r.fail(QStringLiteral("load.duration_s cannot be combined with load.stages (the stages set the duration)"));
    l.rate = r.number(QStringLiteral("rate"), 0, 0, false);
    const QJsonValue stages = r.value(QStringLiteral("stages"));
    if (!stages.isArray() || stages.toArray().isEmpty())
        return r.fail(QStringLiteral("load.stages must be a non-empty array"));
    const QJsonArray array = stages.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString key = QStringLiteral("load.stages[%1]").arg(i);
        if (!array.at(i).isObject())
            return r.fail(key + QStringLiteral(" must be an object"));
        QString dummy;
        const Reader s(array.at(i).toObject(), key, &dummy);
        s.onlyKeys({QStringLiteral("duration_s"), QStringLiteral("rate")});
        RateStage stage;
        stage.durationS = s.number(QStringLiteral("duration_s"), 0, 0, false, true, true);
        stage.rate = s.number(QStringLiteral("rate"), 0, 0, false, false, true);
        if (!dummy.isEmpty())
            return r.fail(dummy);
        l.stages << stage;
    }
    const double total = l.totalS();
    if (total <= l.warmupS)
        return r.fail(QStringLiteral("load.warmup_s must be shorter than the stages' total duration"));
    l.durationS = total - l.warmupS;
}

} // namespace

Result<Scenario> parseScenario(const QByteArray &json, const QString &baseDir)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject())
        return fail(QStringLiteral("the scenario is not a JSON object: %1").arg(parseError.error == QJsonParseError::NoError
                                                                                 ? QStringLiteral("got another JSON type") : parseError.errorString()));
    QString error;
    const Reader root(doc.object(), QString(), &error);
    root.onlyKeys({QStringLiteral("name"), QStringLiteral("target"), QStringLiteral("providers"), QStringLiteral("load"), QStringLiteral("questions"),
                   QStringLiteral("thresholds"), QStringLiteral("seed")});
    Scenario s;
    s.source = doc.object();
    s.name = root.string(QStringLiteral("name"), QString(), true);
    if (!root.has(QStringLiteral("target")))
        root.fail(QStringLiteral("target is required"));
    else if (!root.failed())
        readTarget(root.object(QStringLiteral("target")), s.target);
    if (root.has(QStringLiteral("providers")) && !root.failed())
        readProviders(root, baseDir, s.providers);
    if (!root.has(QStringLiteral("load")))
        root.fail(QStringLiteral("load is required"));
    else if (!root.failed())
        readLoad(root.object(QStringLiteral("load")), s.load);
    s.seed = quint64(root.number(QStringLiteral("seed"), 1, 0, true));

    const QJsonValue questions = root.value(QStringLiteral("questions"));
    if (questions.isString() && !questions.toString().trimmed().isEmpty()) {
        s.questionsPath = resolve(baseDir, questions.toString().trimmed());
    } else if (questions.isArray()) {
        auto inlined = questionsFromJson(questions.toArray(), QStringLiteral("questions"));
        if (!inlined)
            root.fail(inlined.error());
        else
            s.questions = std::move(inlined).value();
    } else {
        root.fail(QStringLiteral("questions must be a file path or an array of questions"));
    }

    const QJsonValue thresholds = root.value(QStringLiteral("thresholds"));
    if (!thresholds.isUndefined() && !thresholds.isArray())
        root.fail(QStringLiteral("thresholds must be an array of strings"));
    const QJsonArray thresholdList = thresholds.toArray();
    for (qsizetype i = 0; i < thresholdList.size(); ++i) {
        if (!thresholdList.at(i).isString()) {
            root.fail(QStringLiteral("thresholds must be an array of strings"));
            break;
        }
        // Checked now, so that a typo fails before a long run rather than after it.
        const auto parsed = parseThreshold(thresholdList.at(i).toString());
        if (!parsed)
            root.fail(QStringLiteral("thresholds[%1]: %2").arg(i).arg(parsed.error()));
        s.thresholds << thresholdList.at(i).toString();
    }
    if (!error.isEmpty())
        return fail(error);
    return s;
}

} // namespace rag::loadtest
