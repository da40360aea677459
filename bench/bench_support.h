// Shared pieces of the benchmark programs: a deterministic synthetic corpus, percentiles, and the
// machine facts every RESULTS.md entry records.
#pragma once

#include <QString>
#include <QStringList>

#include <random>
#include <vector>

namespace rag::bench {

// Zipf-distributed pseudo-words, so term frequencies look like a real language's. Text is about a
// topic, as real documents are: nearly half the words come from the topic's own Zipf-ranked
// vocabulary, so chunks of one topic resemble each other (without topics every chunk is equally
// far from every other, a space no real corpus makes).
class SyntheticText {
public:
    static constexpr int kTopicVocabulary = 3000;
    explicit SyntheticText(quint32 seed, int vocabulary = 50000);
    void setTopic(int topic);
    QString sentence(int words);
    QString paragraph(int tokens);
    const QString &word(int rank) const { return m_words.at(rank); }
    int pickRank();

private:
    int pickTopicRank();

    std::mt19937 m_random;
    QStringList m_words;
    std::vector<double> m_cumulative;
    std::vector<double> m_topicCumulative;
    std::vector<int> m_topicWords; // ranks into m_words; empty: no topic
};

// Writes `files` text files into dir, `linesPerFile` lines of about `tokensPerLine` tokens each.
qint64 writeCorpus(const QString &dir, int files, int linesPerFile, quint32 seed, const QString &suffix = QStringLiteral(".txt"),
                   int tokensPerLine = 40);

double percentile(std::vector<double> values, double p);
QString machineLine(); // "2 cores, <cpu model>, <date>"

} // namespace rag::bench
