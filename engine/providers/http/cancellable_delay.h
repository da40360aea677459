// A wait that a CancelToken can cut short: the backoff between retries must not outlive a
// cancelled request (a cancelled request frees its slot at once).
#pragma once

#include "core/cancel_token.h"

#include <QObject>
#include <QTimer>

#include <qcoro/qcorotask.h>

#include <chrono>

namespace rag::providers {

class CancellableDelay : public QObject {
    Q_OBJECT
public:
    // True when the full delay passed; false when cancelled first.
    static QCoro::Task<bool> wait(std::chrono::milliseconds delay, CancelTokenPtr cancel);

signals:
    void done();

private:
    QTimer m_timer;
    CancelSubscription m_cancelSubscription;
    bool m_cancelled = false;
};

} // namespace rag::providers
