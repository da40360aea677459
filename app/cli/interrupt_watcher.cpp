#include "cli/interrupt_watcher.h"

#include <QSocketNotifier>

#include <atomic>
#include <csignal>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rag::cli {

namespace {

// One watcher at a time: a command installs it for the span of its work.
std::atomic<int> writeEnd{-1};
struct sigaction previousInt;
struct sigaction previousTerm;

void onSignal(int)
{
    const int fd = writeEnd.load();
    if (fd >= 0) {
        const char byte = 1;
        [[maybe_unused]] const auto written = ::write(fd, &byte, 1);
    }
}

} // namespace

InterruptWatcher::InterruptWatcher(std::function<void()> onInterrupt, bool alsoTerminate)
    : m_onInterrupt(std::move(onInterrupt)), m_terminate(alsoTerminate)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, m_fds) != 0)
        return; // no pipe, no handler: Ctrl-C keeps its default of ending the process
    m_notifier = new QSocketNotifier(m_fds[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, [this] {
        char bytes[16];
        while (::read(m_fds[1], bytes, sizeof bytes) > 0) {
        }
        m_onInterrupt();
    });
    writeEnd.store(m_fds[0]);
    struct sigaction action {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, &previousInt);
    if (m_terminate)
        sigaction(SIGTERM, &action, &previousTerm);
}

InterruptWatcher::~InterruptWatcher()
{
    if (m_fds[0] < 0)
        return;
    sigaction(SIGINT, &previousInt, nullptr);
    if (m_terminate)
        sigaction(SIGTERM, &previousTerm, nullptr);
    writeEnd.store(-1);
    delete m_notifier;
    ::close(m_fds[0]);
    ::close(m_fds[1]);
}

} // namespace rag::cli
