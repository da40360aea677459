#include "bench_support.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QThread>

#include <algorithm>
#include <cmath>

namespace rag::bench {

namespace {
const char *const kSyllables[] = {"ka", "lo", "mi", "ren", "su", "ta", "vo", "zen", "bri", "dor", "el", "fa", "gu",
                                  "hal", "in", "jo", "ker", "lum", "mar", "nel", "or", "pa", "qui", "ros", "sil",
                                  "tor", "ul", "ven", "wa", "xi", "yor", "zu"};
}

SyntheticText::SyntheticText(quint32 seed, int vocabulary) : m_random(seed)
{
    std::mt19937 words(12345); // the vocabulary is the same for every seed
    std::uniform_int_distribution<int> syllable(0, int(std::size(kSyllables)) - 1);
    std::uniform_int_distribution<int> length(1, 4);
    QSet<QString> seen;
    while (m_words.size() < vocabulary) {
        QString word;
        const int n = length(words);
        for (int i = 0; i < n; ++i)
            word += QString::fromLatin1(kSyllables[syllable(words)]);
        if (!seen.contains(word)) {
            seen.insert(word);
            m_words.append(word);
        }
    }
    double total = 0;
    m_cumulative.reserve(size_t(vocabulary));
    for (int rank = 1; rank <= vocabulary; ++rank) {
        total += 1.0 / std::pow(rank, 1.07);
        m_cumulative.push_back(total);
    }
    for (double &c : m_cumulative)
        c /= total;
    total = 0;
    for (int rank = 1; rank <= kTopicVocabulary; ++rank) {
        total += 1.0 / std::pow(rank, 1.07);
        m_topicCumulative.push_back(total);
    }
    for (double &c : m_topicCumulative)
        c /= total;
}

void SyntheticText::setTopic(int topic)
{
    std::mt19937 pick(quint32(topic) * 7919u + 17u);
    // Topic words come from beyond the 500 most frequent words, which every topic shares.
    std::uniform_int_distribution<int> rank(500, int(m_words.size()) - 1);
    m_topicWords.clear();
    for (int i = 0; i < kTopicVocabulary; ++i)
        m_topicWords.push_back(rank(pick));
}

int SyntheticText::pickTopicRank()
{
    const double u = std::uniform_real_distribution<double>(0, 1)(m_random);
    return int(std::lower_bound(m_topicCumulative.begin(), m_topicCumulative.end(), u) - m_topicCumulative.begin());
}

int SyntheticText::pickRank()
{
    const double u = std::uniform_real_distribution<double>(0, 1)(m_random);
    return int(std::lower_bound(m_cumulative.begin(), m_cumulative.end(), u) - m_cumulative.begin());
}

QString SyntheticText::sentence(int words)
{
    QStringList out;
    std::bernoulli_distribution fromTopic(0.45);
    for (int i = 0; i < words; ++i) {
        const bool topical = !m_topicWords.empty() && fromTopic(m_random);
        out.append(m_words.at(topical ? m_topicWords[size_t(pickTopicRank())] : pickRank()));
    }
    QString s = out.join(QLatin1Char(' '));
    if (!s.isEmpty())
        s[0] = s[0].toUpper();
    return s + QLatin1Char('.');
}

QString SyntheticText::paragraph(int tokens)
{
    QStringList sentences;
    int used = 0;
    std::uniform_int_distribution<int> length(6, 16);
    while (used < tokens) {
        const int n = length(m_random);
        sentences.append(sentence(n));
        used += n + 1;
    }
    return sentences.join(QLatin1Char(' '));
}

qint64 writeCorpus(const QString &dir, int files, int linesPerFile, quint32 seed, const QString &suffix, int tokensPerLine)
{
    QDir().mkpath(dir);
    SyntheticText text(seed);
    qint64 bytes = 0;
    for (int f = 0; f < files; ++f) {
        text.setTopic(f % 500);
        QFile file(QDir(dir).filePath(QStringLiteral("doc-%1%2").arg(f, 6, 10, QLatin1Char('0')).arg(suffix)));
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(file.fileName()));
        QByteArray content;
        if (suffix == QLatin1String(".md"))
            content += "# " + text.sentence(4).toUtf8() + "\n\n";
        for (int l = 0; l < linesPerFile; ++l)
            content += text.paragraph(tokensPerLine).toUtf8() + '\n';
        bytes += file.write(content);
    }
    return bytes;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const double rank = p / 100.0 * double(values.size() - 1);
    const size_t lo = size_t(std::floor(rank));
    const size_t hi = std::min(values.size() - 1, lo + 1);
    return values[lo] + (values[hi] - values[lo]) * (rank - double(lo));
}

QString machineLine()
{
    QString cpu;
    QFile info(QStringLiteral("/proc/cpuinfo"));
    if (info.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : info.readAll().split('\n')) {
            if (line.startsWith("model name")) {
                cpu = QString::fromLatin1(line.mid(line.indexOf(':') + 1)).trimmed();
                break;
            }
        }
    }
    return QStringLiteral("%1 cores, %2, %3").arg(QThread::idealThreadCount()).arg(cpu,
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd")));
}

} // namespace rag::bench
