// Turns Ctrl-C (SIGINT, and SIGTERM if asked) into a call on the main thread's event loop. A signal
// handler may only do async-signal-safe things: it writes a byte to a pipe, and a socket notifier
// reads it and runs the callback, which may then take locks, cancel tokens and print.
#pragma once

#include <QObject>

#include <functional>

class QSocketNotifier;

namespace rag::cli {

class InterruptWatcher : public QObject {
public:
    explicit InterruptWatcher(std::function<void()> onInterrupt, bool alsoTerminate = false);
    ~InterruptWatcher() override; // puts the previous handlers back

    InterruptWatcher(const InterruptWatcher &) = delete;
    InterruptWatcher &operator=(const InterruptWatcher &) = delete;

private:
    std::function<void()> m_onInterrupt;
    bool m_terminate = false;
    int m_fds[2] = {-1, -1};
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace rag::cli
