#include "call_table_model.h"

#include <QColor>

namespace rag::ui {

QString localTime(const QDateTime &at)
{
    return at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

QColor errorColor()
{
    return QColor(0xb7, 0x1c, 0x1c);
}

void CallTableModel::setCalls(QList<api::RerankCallRecord> calls)
{
    beginResetModel();
    m_calls = std::move(calls);
    endResetModel();
}

int CallTableModel::rowOf(qint64 id) const
{
    for (int row = 0; row < m_calls.size(); ++row) {
        if (m_calls.at(row).id == id)
            return row;
    }
    return -1;
}

int CallTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_calls.size());
}

int CallTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CallTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole && section >= Documents && section <= BestScore)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    // A first click on a time or a number shows the newest, slowest or largest first: what an
    // admin hunting for a bad call looks at.
    if (role == Qt::InitialSortOrderRole)
        return int(section == Time || (section >= Documents && section <= BestScore) ? Qt::DescendingOrder : Qt::AscendingOrder);
    if (role == Qt::ToolTipRole && section == Attempts)
        return tr("HTTP attempts, retries included");
    if (role == Qt::ToolTipRole && section == BestScore)
        return tr("The best relevance score the reranker returned");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time: return tr("Time");
    case Provider: return tr("Provider");
    case Model: return tr("Model");
    case Mode: return tr("Mode");
    case Thread: return tr("Thread");
    case Documents: return tr("Docs");
    case Attempts: return tr("Tries");
    case HttpStatus: return tr("HTTP");
    case Latency: return tr("Latency ms");
    case Tokens: return tr("Tokens");
    case BestScore: return tr("Best");
    case Outcome: return tr("Result");
    default: return {};
    }
}

QVariant CallTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_calls.size())
        return {};
    const api::RerankCallRecord &call = m_calls.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(call, index.column());
    case SortRole:
        return sortKey(call, index.column());
    case Qt::TextAlignmentRole:
        if (index.column() >= Documents && index.column() <= BestScore)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        return call.ok ? QVariant() : QVariant(errorColor());
    case Qt::ToolTipRole:
        // The full text of what a narrow column elides.
        if (index.column() == Outcome && !call.ok)
            return call.error;
        if (index.column() == Time)
            return call.at.toUTC().toString(Qt::ISODateWithMs);
        if (index.column() == Provider || index.column() == Model || index.column() == Thread)
            return display(call, index.column());
        return {};
    default:
        return {};
    }
}

QVariant CallTableModel::display(const api::RerankCallRecord &call, int column) const
{
    switch (column) {
    case Time: return localTime(call.at);
    case Provider: return call.provider;
    case Model: return call.model;
    case Mode: return call.mode;
    case Thread: return call.thread;
    case Documents: return call.documents;
    case Attempts: return call.attempts;
    // 0: no HTTP reply at all (connection refused, timeout before headers).
    case HttpStatus: return call.httpStatus > 0 ? QString::number(call.httpStatus) : QStringLiteral("–");
    case Latency: return QString::number(call.latencyMs, 'f', 1);
    case Tokens: return call.tokens;
    case BestScore: return call.topScores.isEmpty() ? QString() : QString::number(call.topScores.first(), 'f', 3);
    case Outcome: return call.ok ? QStringLiteral("ok") : call.error;
    default: return {};
    }
}

QVariant CallTableModel::sortKey(const api::RerankCallRecord &call, int column) const
{
    switch (column) {
    case Time: return call.at.toMSecsSinceEpoch();
    case Documents: return call.documents;
    case Attempts: return call.attempts;
    case HttpStatus: return call.httpStatus;
    case Latency: return call.latencyMs;
    case Tokens: return call.tokens;
    case BestScore: return call.topScores.isEmpty() ? -1.0 : call.topScores.first();
    default: return display(call, column);
    }
}

} // namespace rag::ui
