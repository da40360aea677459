// A load-test scenario as read from JSON: what to hit (embedded engine or a remote endpoint),
// with which provider behaviour, under which load model, with which questions and thresholds.
#pragma once

#include "core/result.h"
#include "loadtest/question_set.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace rag::loadtest {

enum class TargetKind { Embedded, OpenAi, RagFlow };
enum class EngineMode { Async, Blocking };
enum class LoadModel { Closed, Open };
enum class ThinkKind { Fixed, Exponential };
enum class ArrivalKind { Constant, Poisson };

struct TargetSpec {
    TargetKind kind = TargetKind::Embedded;
    // embedded: "kb" required; "assistant" optional (default: the KB's default assistant);
    // "mode" async (default) or blocking; "pool" threads of the blocking baseline (default 35);
    // "deadline_s" each request's deadline (default 120), past which the engine refuses at
    // admission what could not finish in time (docs/chat.md, "Overload").
    QString kb;
    QString assistant;
    EngineMode mode = EngineMode::Async;
    int pool = 35;
    double deadlineS = 120;
    // openai: "url", "model" required; ragflow: "url", "chat_id" required; both: optional
    // "api_key_env", the NAME of the environment variable holding the key (never the key).
    QString url;
    QString model;
    QString chatId;
    QString apiKeyEnv;
    bool http2 = false; // remote targets: HTTP/2 with prior knowledge over http:// (h2c), ALPN over https://
    // The key itself, set by the desktop app from its keychain (docs/loadtest.md); never read from
    // or written to JSON. When set it is used instead of api_key_env.
    QString apiKey;
};

struct ProviderSpec {
    // "providers": "real" or {"real": true}, or {"simulator": {"profile": NAME} | {"file": PATH}}.
    // Default: the simulator with the "field" profile.
    bool real = false;
    QString simulatorProfile = QStringLiteral("field");
    QString simulatorFile; // absolute, resolved against the scenario's folder
    // "connections": each simulated provider's connection limit. HTTP/1.1 streams hold one
    // connection each and Qt runs six per network manager thread, so this bounds the process's
    // threads (128: about 22 per provider); what is beyond it queues, visibly, per provider.
    int simulatorConnections = 128;
    // "http2": talk to the simulator over HTTP/2 (h2c): one connection and one network-manager
    // thread carry up to 100 calls, so the connection limit no longer costs a thread per six.
    bool simulatorHttp2 = false;
};

struct RateStage {
    double durationS = 0;
    double rate = 0; // requests/s reached at the end of the stage
};

struct LoadSpec {
    LoadModel model = LoadModel::Closed;
    double warmupS = 0; // default 0; excluded from statistics and throughput
    // The measured time after the warm-up (closed, and open without stages). Closed: required
    // unless "iterations" is given. Open with stages: not allowed, the stages set the time.
    double durationS = 0;
    // closed
    int users = 1;
    double rampS = 0;    // user starts spread evenly over this time (default 0: all at once)
    double thinkMs = 0;  // mean think time between a user's answer and next question
    ThinkKind think = ThinkKind::Fixed;
    std::optional<int> iterations; // per user; the run ends when every user is done
    // open
    double rate = 0; // requests/s; with stages, the rate the first stage ramps from (default 0)
    ArrivalKind arrival = ArrivalKind::Constant;
    // Each stage ramps linearly from the previous stage's rate (the first from `rate`) to its
    // own over its duration. The stages cover the whole run, warm-up included.
    QList<RateStage> stages;
    // A sweep runs the scenario once per value, lowest first, each with its own warm-up and
    // measured time: users (closed) or rates (open). Empty: one run at `users` / `rate`.
    QList<double> sweep;

    double totalS() const; // warm-up + measured time of the whole run (of one sweep step)
    // This load at the sweep's `step`-th value (users or rate set from it).
    LoadSpec atStep(int step) const;
};

struct Scenario {
    QString name;
    TargetSpec target;
    ProviderSpec providers;
    LoadSpec load;
    QString questionsPath; // absolute; empty when the questions were inline
    QuestionSet questions; // filled when inline; parseScenario does not read the file
    QStringList thresholds; // expressions, each checked with parseThreshold()
    quint64 seed = 1;       // every random draw of the run derives from it
    QJsonObject source;     // the JSON as given, echoed in the report
};

// Upper bounds: users 1e6, pool 1e4, iterations 1e9, rates 1e5 req/s, times a week.
// Parses and validates a scenario. Errors name the key ("load.users must be a whole number
// >= 1"); unknown keys are refused so that typos do not silently fall back to defaults.
// Relative paths ("questions", "providers.simulator.file") resolve against `baseDir`.
Result<Scenario> parseScenario(const QByteArray &json, const QString &baseDir);

} // namespace rag::loadtest
