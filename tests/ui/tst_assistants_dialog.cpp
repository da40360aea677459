// Edit > Assistants, driven as a user would: a new assistant from the form with every setting,
// a refused input said with the form's labels, an edit that keeps the conversations, removal.
#include "api/assistants.h"
#include "api/configured_providers.h"
#include "assistants_dialog.h"
#include "store/conversation_repository.h"
#include "support/fixtures.h"
#include "support/temp_workspace.h"
#include "workspace/workspace.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

using namespace rag;

namespace {
QStringList itemsOf(QComboBox *combo)
{
    QStringList data;
    for (int i = 0; i < combo->count(); ++i)
        data.append(combo->itemData(i).toString());
    return data;
}
} // namespace

class TestAssistantsDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qputenv("RAGDESK_KEYCHAIN", "off"); }

    void createEditAndRemoveAnAssistant()
    {
        test::TempWorkspace t;
        QVERIFY(test::writeFile(t.path(QStringLiteral("docs/otters.md")), "# Otters\nSea otters hold hands.\n"));
        t.ingest(QStringLiteral("nature"), {t.path(QStringLiteral("docs"))});
        const api::ConfiguredProviders providers(*t.workspace);
        QString warning;
        api::ProviderRecord chat{QStringLiteral("local-llm"), QStringLiteral("ollama"), QStringLiteral("http://127.0.0.1:9"), QStringLiteral("m")};
        api::ProviderRecord rerank{QStringLiteral("local-tei"), QStringLiteral("tei"), QStringLiteral("http://127.0.0.1:9"), {}};
        QVERIFY(providers.add(chat, {}, &warning));
        const auto addedRerank = providers.add(rerank, {}, &warning);
        QVERIFY2(addedRerank, qPrintable(addedRerank ? QString() : addedRerank.error()));

        ui::AssistantsDialog dialog(*t.workspace);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto *name = dialog.findChild<QLineEdit *>(QStringLiteral("assistantName"));
        auto *kbs = dialog.findChild<QListWidget *>(QStringLiteral("assistantKnowledgeBases"));
        auto *llm = dialog.findChild<QComboBox *>(QStringLiteral("assistantLlm"));
        auto *reranker = dialog.findChild<QComboBox *>(QStringLiteral("assistantReranker"));
        auto *topN = dialog.findChild<QSpinBox *>(QStringLiteral("assistantTopN"));
        auto *topK = dialog.findChild<QSpinBox *>(QStringLiteral("assistantTopK"));
        auto *temperature = dialog.findChild<QDoubleSpinBox *>(QStringLiteral("assistantTemperature"));
        auto *quote = dialog.findChild<QCheckBox *>(QStringLiteral("assistantQuote"));
        auto *system = dialog.findChild<QPlainTextEdit *>(QStringLiteral("assistantSystemPrompt"));
        auto *prologue = dialog.findChild<QLineEdit *>(QStringLiteral("assistantPrologue"));
        auto *message = dialog.findChild<QLabel *>(QStringLiteral("assistantMessage"));
        QVERIFY(name && kbs && llm && reranker && topN && topK && temperature && quote && system && prologue && message);

        // Only the providers that serve a role are offered for it; the one knowledge base is ticked.
        QCOMPARE(itemsOf(llm), (QStringList{QStringLiteral("builtin"), QStringLiteral("local-llm")}));
        QCOMPARE(itemsOf(reranker), (QStringList{QStringLiteral("builtin"), QStringLiteral("none"), QStringLiteral("local-tei")}));
        QCOMPARE(kbs->item(0)->checkState(), Qt::Checked);

        name->setText(QStringLiteral("guide"));
        llm->setCurrentIndex(llm->findData(QStringLiteral("local-llm")));
        reranker->setCurrentIndex(reranker->findData(QStringLiteral("local-tei")));
        topN->setValue(8);
        topK->setValue(4); // fewer candidates than passages: refused
        QVERIFY(!dialog.save());
        QVERIFY2(message->text().contains(QStringLiteral("Top K")) && !message->text().contains(QStringLiteral("--")),
                 qPrintable(message->text()));
        topK->setValue(256);
        temperature->setValue(0.3);
        quote->setChecked(false);
        system->setPlainText(QStringLiteral("Answer briefly from {knowledge}"));
        prologue->setText(QStringLiteral("Ask me about animals."));
        QSignalSpy changed(&dialog, &ui::AssistantsDialog::recordsChanged);
        QVERIFY2(dialog.save(), qPrintable(message->text()));
        QCOMPARE(changed.size(), 1);
        auto stored = api::Assistants(*t.workspace).find(QStringLiteral("guide"));
        QVERIFY(stored);
        QCOMPARE(stored->spec.knowledgeBases, QStringList{QStringLiteral("nature")});
        QCOMPARE(stored->spec.llm, QStringLiteral("local-llm"));
        QCOMPARE(stored->spec.reranker, QStringLiteral("local-tei"));
        QCOMPARE(stored->spec.topN, 8);
        QCOMPARE(stored->spec.topK, 256);
        QCOMPARE(stored->spec.temperature, 0.3);
        QVERIFY(!stored->spec.quote);
        QCOMPARE(stored->spec.systemPrompt, QStringLiteral("Answer briefly from {knowledge}"));

        // An edit keeps the assistant's conversations.
        store::ConversationRepository conversations(t.workspace->database().connection());
        QVERIFY(conversations.create(stored->id, QStringLiteral("otters")));
        QVERIFY(name->isReadOnly());
        prologue->setText(QStringLiteral("Ask me about otters."));
        QVERIFY(dialog.save());
        QCOMPARE(api::Assistants(*t.workspace).find(QStringLiteral("guide"))->spec.prologue, QStringLiteral("Ask me about otters."));
        QCOMPARE(conversations.list(stored->id)->size(), 1);

        QVERIFY(dialog.removeCurrent(true));
        QVERIFY(!api::Assistants(*t.workspace).find(QStringLiteral("guide")));
        QVERIFY(name->text().isEmpty());
    }
};

QTEST_MAIN(TestAssistantsDialog)
#include "tst_assistants_dialog.moc"
