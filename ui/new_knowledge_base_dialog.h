// File > New knowledge base: its name and how its documents are cut into chunks (tokens per
// chunk, overlap) and embedded, as `ragdesk kb create` takes them (docs/search.md).
#pragma once

#include "api/records.h"

#include <QDialog>

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace rag::ui {

class NewKnowledgeBaseDialog : public QDialog {
    Q_OBJECT
public:
    explicit NewKnowledgeBaseDialog(QWidget *parent = nullptr);
    api::KnowledgeBaseSpec spec() const;

private:
    QLineEdit *m_name = nullptr;
    QSpinBox *m_chunkTokens = nullptr;
    QSpinBox *m_overlap = nullptr;
    QComboBox *m_embedder = nullptr;
};

} // namespace rag::ui
