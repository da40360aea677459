// The rows of the rerank call inspector: value snapshots of recorded calls (without bodies), one
// per row, with display text, alignment, error colouring and a raw sort key per column.
#pragma once

#include "api/records.h"

#include <QAbstractTableModel>
#include <QColor>

namespace rag::ui {

class CallTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Time, Provider, Model, Mode, Thread, Documents, Attempts, HttpStatus, Latency, Tokens, BestScore, Outcome, ColumnCount };
    // Numbers and times sort by value, not by their text ("9.5" < "10.0").
    static constexpr int SortRole = Qt::UserRole;

    using QAbstractTableModel::QAbstractTableModel;

    void setCalls(QList<api::RerankCallRecord> calls);
    const QList<api::RerankCallRecord> &calls() const { return m_calls; }
    const api::RerankCallRecord &call(int row) const { return m_calls.at(row); }
    int rowOf(qint64 id) const; // -1 when the call is not shown

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant display(const api::RerankCallRecord &call, int column) const;
    QVariant sortKey(const api::RerankCallRecord &call, int column) const;

    QList<api::RerankCallRecord> m_calls;
};

// How the inspector writes a call's time: local, to the millisecond.
QString localTime(const QDateTime &at);
// Dark enough to read on a light background, light enough to tell from normal text.
QColor errorColor();

} // namespace rag::ui
