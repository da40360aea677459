#include "startup_error.h"

#include <QMessageBox>

namespace rag::ui {

QMessageBox *startupErrorDialog(const QString &error, const QString &dataDir)
{
    auto *box = new QMessageBox(QMessageBox::Critical, QObject::tr("ragdesk cannot start"),
                                QObject::tr("ragdesk could not open its data folder:\n%1").arg(dataDir));
    box->setObjectName(QStringLiteral("startupError"));
    box->setInformativeText(error + QStringLiteral("\n\n")
                            + QObject::tr("Check that the folder exists and can be written, or start ragdesk with "
                                          "another one: ragdesk --data-dir FOLDER. A damaged database can be "
                                          "moved aside; ragdesk then starts with an empty one."));
    box->setStandardButtons(QMessageBox::Close);
    return box;
}

void showStartupError(const QString &error, const QString &dataDir)
{
    QMessageBox *box = startupErrorDialog(error, dataDir);
    box->exec();
    delete box;
}

} // namespace rag::ui
