#include "core/cancel_token.h"

namespace rag {

std::shared_ptr<CancelToken> CancelToken::linkedTo(const std::shared_ptr<CancelToken> &parent)
{
    auto child = create();
    if (!parent)
        return child;
    CancelToken *raw = child.get();
    // Direct: cancel() is thread-safe, and the child's own receivers decide how they are called.
    connect(parent.get(), &CancelToken::cancelled, raw, [raw] { raw->cancel(); }, Qt::DirectConnection);
    if (parent->isCancelled())
        child->cancel();
    return child;
}

void CancelToken::cancel()
{
    if (!m_cancelled.exchange(true, std::memory_order_acq_rel))
        emit cancelled();
}

} // namespace rag
