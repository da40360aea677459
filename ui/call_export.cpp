#include "call_export.h"


#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace rag::ui {

namespace {

// RFC 4180: quote a cell that holds a separator, a quote or a line break; double its quotes.
QString csvCell(const QJsonValue &value)
{
    QString text;
    if (value.isArray())
        text = QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    else if (!value.isNull())
        text = value.toVariant().toString();
    if (text.contains(u',') || text.contains(u'"') || text.contains(u'\n') || text.contains(u'\r'))
        text = u'"' + QString(text).replace(u'"', QStringLiteral("\"\"")) + u'"';
    return text;
}

QByteArray toCsv(const QList<api::RerankCallRecord> &calls)
{
    const QStringList fields = api::rerankCallJsonFields(false);
    QString csv = fields.join(u',') + QStringLiteral("\r\n");
    for (const api::RerankCallRecord &call : calls) {
        const QJsonObject json = api::rerankCallToJson(call, false);
        QStringList cells;
        for (const QString &field : fields)
            cells.append(csvCell(json.value(field)));
        csv += cells.join(u',') + QStringLiteral("\r\n");
    }
    return csv.toUtf8();
}

QByteArray toJson(const QList<api::RerankCallRecord> &calls)
{
    QJsonArray array;
    for (const api::RerankCallRecord &call : calls)
        array.append(api::rerankCallToJson(call, false));
    return QJsonDocument(array).toJson(QJsonDocument::Indented);
}

} // namespace

QString exportCalls(const QList<api::RerankCallRecord> &calls, const QString &path)
{
    const bool csv = QFileInfo(path).suffix().compare(QLatin1String("csv"), Qt::CaseInsensitive) == 0;
    // QSaveFile: a failed export never leaves a half-written file where a good one was.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QObject::tr("cannot write %1: %2").arg(path, file.errorString());
    file.write(csv ? toCsv(calls) : toJson(calls));
    if (!file.commit())
        return QObject::tr("cannot write %1: %2").arg(path, file.errorString());
    return {};
}

} // namespace rag::ui
