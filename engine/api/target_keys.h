// API keys of remote load-test targets (docs/loadtest.md, "From the desktop app"): entered once in
// the load-test form and kept as providers' keys are (the system keychain, else the file only the
// user can read), named by the target's URL. Never in a scenario, a report or a log.
#pragma once

#include "core/result.h"

#include <QString>

namespace rag {
class Workspace;
}

namespace rag::api {

class TargetKeys {
public:
    explicit TargetKeys(const Workspace &workspace);

    // `warning` gets the key store's notice when it fell back to the file.
    Result<void> store(const QString &url, const QString &key, QString *warning) const;
    QString read(const QString &url) const; // empty when none is kept for the URL
    void remove(const QString &url) const;

private:
    QString m_dataDir;
};

} // namespace rag::api
