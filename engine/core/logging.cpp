#include "core/logging.h"

Q_LOGGING_CATEGORY(lcCore, "rag.core", QtWarningMsg)
Q_LOGGING_CATEGORY(lcStore, "rag.store", QtWarningMsg)
Q_LOGGING_CATEGORY(lcIngest, "rag.ingest", QtWarningMsg)
Q_LOGGING_CATEGORY(lcIndex, "rag.index", QtWarningMsg)
Q_LOGGING_CATEGORY(lcServe, "rag.serve", QtWarningMsg)
