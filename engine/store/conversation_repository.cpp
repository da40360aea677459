#include "store/conversation_repository.h"

#include "store/assistant_repository.h"
#include "store/sql.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>

namespace rag::store {

namespace {

// ISO 8601 UTC with milliseconds: sorts as time, and two messages a millisecond apart keep
// their order when read back.
QString isoTime(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime fromIsoTime(const QString &text)
{
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    t.setTimeSpec(Qt::UTC);
    return t;
}

QVariant encodeReferences(const QList<ChatReference> &references)
{
    if (references.isEmpty())
        return QVariant(QMetaType::fromType<QString>()); // NULL: most messages have none
    QJsonArray array;
    for (const ChatReference &r : references)
        array.append(QJsonObject{{QStringLiteral("index"), r.index},
                                 {QStringLiteral("chunk_id"), r.chunkId},
                                 {QStringLiteral("document"), r.document},
                                 {QStringLiteral("content"), r.content},
                                 {QStringLiteral("page"), r.page},
                                 {QStringLiteral("similarity"), r.similarity},
                                 {QStringLiteral("term_similarity"), r.termSimilarity},
                                 {QStringLiteral("vector_similarity"), r.vectorSimilarity}});
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QList<ChatReference> decodeReferences(const QString &json)
{
    QList<ChatReference> references;
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const QJsonValue &value : array) {
        const QJsonObject o = value.toObject();
        ChatReference r;
        r.index = o.value(QStringLiteral("index")).toInt();
        r.chunkId = o.value(QStringLiteral("chunk_id")).toInteger();
        r.document = o.value(QStringLiteral("document")).toString();
        r.content = o.value(QStringLiteral("content")).toString();
        r.page = o.value(QStringLiteral("page")).toInt();
        r.similarity = o.value(QStringLiteral("similarity")).toDouble();
        r.termSimilarity = o.value(QStringLiteral("term_similarity")).toDouble();
        r.vectorSimilarity = o.value(QStringLiteral("vector_similarity")).toDouble();
        references.append(r);
    }
    return references;
}

// The role a message must have in its place of the exchange; an empty role takes it.
Result<void> checkRole(const StoredMessage &message, const QString &expected)
{
    if (message.role.isEmpty() || message.role == expected)
        return {};
    return fail(QStringLiteral("an exchange's %1 message cannot have the role '%2'").arg(expected, message.role));
}

Result<void> insertMessage(const QSqlDatabase &db, qint64 conversationId, const QString &role,
                           const StoredMessage &message)
{
    // A trace that does not parse would break every later reader of the conversation.
    QVariant trace(QMetaType::fromType<QString>());
    if (!message.traceJson.isEmpty()) {
        QJsonParseError error;
        QJsonDocument::fromJson(message.traceJson.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError)
            return fail(QStringLiteral("the %1 message's trace is not JSON: %2").arg(role, error.errorString()));
        trace = message.traceJson;
    }
    auto inserted = exec(db,
                         QStringLiteral("INSERT INTO messages (conversation_id, role, content, at, references_json,"
                                        " trace_json) VALUES (?, ?, ?, ?, ?, ?)"),
                         {conversationId, role, message.content.isNull() ? QStringLiteral("") : message.content,
                          isoTime(message.at.isValid() ? message.at : QDateTime::currentDateTimeUtc()),
                          encodeReferences(message.references), trace});
    if (!inserted)
        return fail(inserted.error());
    return {};
}

Conversation readConversation(const QSqlQuery &q)
{
    Conversation c;
    c.id = q.value(0).toLongLong();
    c.assistantId = q.value(1).toLongLong();
    c.title = q.value(2).toString();
    c.createdAt = fromIsoTime(q.value(3).toString());
    return c;
}

} // namespace

Result<Conversation> ConversationRepository::create(qint64 assistantId, const QString &title)
{
    // The foreign key would refuse it too, but with a message no user can act on.
    if (auto assistant = AssistantRepository(m_db).find(assistantId); !assistant)
        return fail(assistant.error());
    Conversation conversation;
    conversation.assistantId = assistantId;
    conversation.title = title.trimmed();
    conversation.createdAt = QDateTime::currentDateTimeUtc();
    auto inserted = exec(m_db,
                         QStringLiteral("INSERT INTO conversations (assistant_id, title, created_at) VALUES (?, ?, ?)"),
                         {assistantId, conversation.title, isoTime(conversation.createdAt)});
    if (!inserted)
        return fail(inserted.error());
    conversation.id = inserted->lastInsertId().toLongLong();
    return conversation;
}

Result<Conversation> ConversationRepository::load(qint64 conversationId)
{
    auto head = exec(m_db, QStringLiteral("SELECT id, assistant_id, title, created_at FROM conversations WHERE id = ?"),
                     {conversationId});
    if (!head)
        return fail(head.error());
    if (!head->next())
        return fail(QStringLiteral("no conversation with id %1").arg(conversationId), ErrorKind::ConversationNotFound);
    Conversation conversation = readConversation(*head);

    auto messages = exec(m_db,
                         QStringLiteral("SELECT id, role, content, at, references_json, trace_json FROM messages"
                                        " WHERE conversation_id = ? ORDER BY id"),
                         {conversationId});
    if (!messages)
        return fail(messages.error());
    while (messages->next()) {
        StoredMessage m;
        m.id = messages->value(0).toLongLong();
        m.role = messages->value(1).toString();
        m.content = messages->value(2).toString();
        m.at = fromIsoTime(messages->value(3).toString());
        m.references = decodeReferences(messages->value(4).toString());
        m.traceJson = messages->value(5).toString();
        conversation.messages.append(m);
    }
    return conversation;
}

Result<QList<Conversation>> ConversationRepository::list(qint64 assistantId)
{
    auto query = exec(m_db,
                      QStringLiteral("SELECT id, assistant_id, title, created_at FROM conversations"
                                     " WHERE assistant_id = ? ORDER BY created_at DESC, id DESC"),
                      {assistantId});
    if (!query)
        return fail(query.error());
    QList<Conversation> conversations;
    while (query->next())
        conversations.append(readConversation(*query));
    return conversations;
}

Result<void> ConversationRepository::appendExchange(qint64 conversationId, const StoredMessage &question,
                                                    const StoredMessage &answer)
{
    if (auto ok = checkRole(question, QStringLiteral("user")); !ok)
        return ok;
    if (auto ok = checkRole(answer, QStringLiteral("assistant")); !ok)
        return ok;
    Transaction transaction(m_db);
    // Without a transaction the two inserts would each commit on their own: refuse instead.
    if (!transaction.started())
        return fail(QStringLiteral("database error: could not begin a transaction: %1").arg(transaction.startError()));
    {
        // Scoped: the statement is finished before the inserts and the commit.
        auto exists = exec(m_db, QStringLiteral("SELECT 1 FROM conversations WHERE id = ?"), {conversationId});
        if (!exists)
            return fail(exists.error());
        if (!exists->next())
            return fail(QStringLiteral("no conversation with id %1").arg(conversationId), ErrorKind::ConversationNotFound);
    }
    if (auto done = insertMessage(m_db, conversationId, QStringLiteral("user"), question); !done)
        return done;
    if (auto done = insertMessage(m_db, conversationId, QStringLiteral("assistant"), answer); !done)
        return done;
    return transaction.commit();
}

Result<void> ConversationRepository::remove(qint64 conversationId)
{
    // Its messages go by ON DELETE CASCADE.
    auto removed = exec(m_db, QStringLiteral("DELETE FROM conversations WHERE id = ?"), {conversationId});
    if (!removed)
        return fail(removed.error());
    if (removed->numRowsAffected() == 0)
        return fail(QStringLiteral("no conversation with id %1").arg(conversationId), ErrorKind::ConversationNotFound);
    return {};
}

Result<void> ConversationRepository::rename(qint64 conversationId, const QString &title)
{
    const QString trimmed = title.simplified();
    if (trimmed.isEmpty() || trimmed.size() > 200)
        return fail(QStringLiteral("a conversation's title is 1-200 characters"));
    auto renamed = exec(m_db, QStringLiteral("UPDATE conversations SET title = ? WHERE id = ?"), {trimmed, conversationId});
    if (!renamed)
        return fail(renamed.error());
    if (renamed->numRowsAffected() == 0)
        return fail(QStringLiteral("no conversation with id %1").arg(conversationId), ErrorKind::ConversationNotFound);
    return {};
}

} // namespace rag::store
