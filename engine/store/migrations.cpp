#include "store/migrations.h"

#include "store/sql.h"

#include <QDateTime>

namespace rag::store {

const QList<Migration> &schemaMigrations()
{
    static const QList<Migration> migrations = {
        {1, QStringLiteral("knowledge bases, documents, chunks, vectors"),
         {
             QStringLiteral("CREATE TABLE knowledge_bases ("
                            " id INTEGER PRIMARY KEY,"
                            " name TEXT NOT NULL UNIQUE,"
                            " embedder TEXT NOT NULL,"
                            " chunk_tokens INTEGER NOT NULL,"
                            " overlap_percent INTEGER NOT NULL,"
                            " delimiters TEXT NOT NULL,"
                            " created_at TEXT NOT NULL,"
                            // Kept in step with the chunks by every document write: the corpus
                            // size and average chunk length that term weighting needs.
                            " chunk_total INTEGER NOT NULL DEFAULT 0,"
                            " term_total INTEGER NOT NULL DEFAULT 0)"),
             QStringLiteral("CREATE TABLE documents ("
                            " id INTEGER PRIMARY KEY,"
                            " kb_id INTEGER NOT NULL REFERENCES knowledge_bases(id) ON DELETE CASCADE,"
                            " name TEXT NOT NULL,"
                            " path TEXT NOT NULL,"
                            " title TEXT,"
                            " content_hash TEXT,"
                            " size INTEGER NOT NULL,"
                            " status TEXT NOT NULL CHECK (status IN ('ready', 'failed')),"
                            " error TEXT,"
                            " chunk_count INTEGER NOT NULL DEFAULT 0,"
                            " updated_at TEXT NOT NULL,"
                            " UNIQUE (kb_id, path))"),
             // AUTOINCREMENT: chunk ids label vectors in the ANN index and must never be reused.
             QStringLiteral("CREATE TABLE chunks ("
                            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                            " document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
                            " kb_id INTEGER NOT NULL,"
                            " ord INTEGER NOT NULL,"
                            " page INTEGER,"
                            " token_count INTEGER NOT NULL,"
                            " content TEXT NOT NULL)"),
             // What search reads for every candidate, apart from the wide chunk rows: two
             // thousand lookups touch a few narrow pages instead of the chunks' text.
             QStringLiteral("CREATE TABLE chunk_terms ("
                            " chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,"
                            " counts BLOB NOT NULL,"
                            " total INTEGER NOT NULL)"),
             QStringLiteral("CREATE INDEX chunks_by_document ON chunks(document_id)"),
             QStringLiteral("CREATE INDEX chunks_by_kb ON chunks(kb_id)"),
             QStringLiteral("CREATE TABLE vectors ("
                            " chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,"
                            " embedder TEXT NOT NULL,"
                            " dim INTEGER NOT NULL,"
                            " data BLOB NOT NULL)"),
         }},
        {2, QStringLiteral("providers and the rerank call log"),
         {
             // API keys are not here: they live in the system keychain (or the warned fallback
             // file); key_store says which, so a missing key can be explained.
             QStringLiteral("CREATE TABLE providers ("
                            " id INTEGER PRIMARY KEY,"
                            " name TEXT NOT NULL UNIQUE,"
                            " kind TEXT NOT NULL,"
                            " base_url TEXT NOT NULL,"
                            " model TEXT NOT NULL,"
                            " max_connections INTEGER NOT NULL,"
                            " timeout_ms INTEGER NOT NULL,"
                            " http2 INTEGER NOT NULL DEFAULT 0,"
                            " key_store TEXT NOT NULL CHECK (key_store IN ('none', 'keychain', 'file')),"
                            " created_at TEXT NOT NULL)"),
             QStringLiteral("CREATE TABLE rerank_calls ("
                            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                            " at TEXT NOT NULL," // ISO 8601 UTC with milliseconds: sorts as time
                            " provider TEXT NOT NULL,"
                            " model TEXT NOT NULL,"
                            " endpoint TEXT NOT NULL,"
                            " mode TEXT NOT NULL CHECK (mode IN ('async', 'blocking')),"
                            " thread TEXT NOT NULL,"
                            " documents INTEGER NOT NULL,"
                            " bytes INTEGER NOT NULL,"
                            " attempts INTEGER NOT NULL,"
                            " http_status INTEGER NOT NULL,"
                            " status TEXT NOT NULL CHECK (status IN ('ok', 'error')),"
                            " latency_ms REAL NOT NULL,"
                            " error TEXT,"
                            " tokens INTEGER NOT NULL,"
                            " top_scores TEXT NOT NULL,"
                            " request_body TEXT NOT NULL,"
                            " response_body TEXT NOT NULL)"),
             QStringLiteral("CREATE INDEX rerank_calls_by_time ON rerank_calls(at)"),
             QStringLiteral("CREATE INDEX rerank_calls_by_provider ON rerank_calls(provider, at)"),
         }},
        {3, QStringLiteral("assistants, conversations and messages"),
         {
             // Knowledge bases and providers are referenced by name, as the user named them: an
             // assistant survives a knowledge base being recreated under the same name.
             QStringLiteral("CREATE TABLE assistants ("
                            " id INTEGER PRIMARY KEY,"
                            " name TEXT NOT NULL UNIQUE,"
                            " knowledge_bases TEXT NOT NULL," // JSON array of names
                            " system_prompt TEXT NOT NULL,"
                            " prologue TEXT NOT NULL,"
                            " empty_response TEXT NOT NULL,"
                            " top_n INTEGER NOT NULL,"
                            " top_k INTEGER NOT NULL,"
                            " similarity_threshold REAL NOT NULL,"
                            " vector_similarity_weight REAL NOT NULL,"
                            " reranker TEXT NOT NULL,"
                            " llm TEXT NOT NULL,"
                            " temperature REAL NOT NULL,"
                            " max_tokens INTEGER NOT NULL,"
                            " quote INTEGER NOT NULL CHECK (quote IN (0, 1)),"
                            " created_at TEXT NOT NULL)"),
             // Cascades rely on PRAGMA foreign_keys=ON, which Database sets on every connection.
             // AUTOINCREMENT: conversation ids are handed to clients (HTTP session ids) and must
             // never come to name a later conversation.
             QStringLiteral("CREATE TABLE conversations ("
                            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                            " assistant_id INTEGER NOT NULL REFERENCES assistants(id) ON DELETE CASCADE,"
                            " title TEXT NOT NULL,"
                            " created_at TEXT NOT NULL)"), // ISO 8601 UTC with milliseconds
             QStringLiteral("CREATE TABLE messages ("
                            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                            " conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
                            " role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),"
                            " content TEXT NOT NULL,"
                            " at TEXT NOT NULL,"
                            " references_json TEXT,"
                            " trace_json TEXT)"),
             QStringLiteral("CREATE INDEX conversations_by_assistant ON conversations(assistant_id, created_at)"),
             // Loading a conversation reads its messages in id order; the index also serves the
             // cascade delete, which would otherwise scan every message.
             QStringLiteral("CREATE INDEX messages_by_conversation ON messages(conversation_id, id)"),
         }},
        // A replay (docs/providers.md, "Replaying a call") re-sends a call's query and documents to
        // another reranker. Bodies are capped at 16 KiB, so the call keeps its query whole and its
        // documents as chunk ids (chunks are never rewritten in place: a re-ingest gives new ids),
        // with every score it got, in document order.
        {4, QStringLiteral("rerank calls keep what a replay needs"),
         {
             QStringLiteral("ALTER TABLE rerank_calls ADD COLUMN query TEXT NOT NULL DEFAULT ''"),
             QStringLiteral("ALTER TABLE rerank_calls ADD COLUMN chunk_ids TEXT NOT NULL DEFAULT ''"),
             QStringLiteral("ALTER TABLE rerank_calls ADD COLUMN scores TEXT NOT NULL DEFAULT ''"),
         }},
        // A knowledge base may be embedded by a provider (docs/providers.md, "Embeddings"): the
        // dimension its vectors have is recorded when it is created, so an embedder that starts
        // answering with another one is refused instead of poisoning the index. The built-in
        // embedder's vectors have 512 dimensions.
        {5, QStringLiteral("knowledge bases record their vectors' dimension"),
         {
             QStringLiteral("ALTER TABLE knowledge_bases ADD COLUMN dimension INTEGER NOT NULL DEFAULT 0"),
             QStringLiteral("UPDATE knowledge_bases SET dimension = 512 WHERE embedder = 'builtin'"),
         }},
        // `kb reembed` (docs/providers.md, "Changing the embedder"): the new vectors are staged
        // here while the old ones keep serving, then swapped in by one transaction that bumps the
        // generation, so every process's vector index knows its vectors are gone.
        {6, QStringLiteral("re-embedding a knowledge base"),
         {
             QStringLiteral("ALTER TABLE knowledge_bases ADD COLUMN vector_generation INTEGER NOT NULL DEFAULT 0"),
             QStringLiteral("CREATE TABLE reembed_vectors ("
                            " chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,"
                            " kb_id INTEGER NOT NULL,"
                            " data BLOB NOT NULL)"),
             QStringLiteral("CREATE INDEX reembed_vectors_by_kb ON reembed_vectors(kb_id)"),
         }},
        // A provider behind a private certificate authority names its CA bundle; one whose
        // certificate is not checked at all says so (docs/providers.md, "TLS and proxies").
        {7, QStringLiteral("providers' TLS settings"),
         {
             QStringLiteral("ALTER TABLE providers ADD COLUMN ca_bundle TEXT NOT NULL DEFAULT ''"),
             QStringLiteral("ALTER TABLE providers ADD COLUMN tls_insecure INTEGER NOT NULL DEFAULT 0"),
         }},
    };
    return migrations;
}

int latestSchemaVersion()
{
    return schemaMigrations().constLast().version;
}

static Result<void> ensureVersionTable(const QSqlDatabase &db)
{
    auto created = exec(db, QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                           " version INTEGER PRIMARY KEY,"
                                           " name TEXT NOT NULL,"
                                           " applied_at TEXT NOT NULL)"));
    if (!created)
        return fail(created.error());
    return {};
}

Result<int> schemaVersion(const QSqlDatabase &db)
{
    if (auto ensured = ensureVersionTable(db); !ensured)
        return fail(ensured.error());
    auto query = exec(db, QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    if (!query)
        return fail(query.error());
    return query->next() ? query->value(0).toInt() : 0;
}

Result<int> migrate(const QSqlDatabase &db, const QList<Migration> &migrations)
{
    auto current = schemaVersion(db);
    if (!current)
        return current;
    int version = *current;
    if (!migrations.isEmpty() && version > migrations.constLast().version)
        return fail(QStringLiteral("the database has schema version %1, newer than this ragdesk understands (%2); "
                                   "use a newer ragdesk")
                        .arg(version)
                        .arg(migrations.constLast().version));
    for (const Migration &migration : migrations) {
        if (migration.version <= version)
            continue;
        Transaction transaction(db);
        for (const QString &statement : migration.statements) {
            if (auto done = exec(db, statement); !done)
                return fail(QStringLiteral("migration %1 (%2) failed: %3")
                                .arg(migration.version)
                                .arg(migration.name, done.error()));
        }
        auto recorded = exec(db, QStringLiteral("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
                             {migration.version, migration.name, QDateTime::currentDateTimeUtc().toString(Qt::ISODate)});
        if (!recorded)
            return fail(recorded.error());
        if (auto committed = transaction.commit(); !committed)
            return fail(committed.error());
        version = migration.version;
    }
    return version;
}

} // namespace rag::store
