// S5 (docs/loadtest.md, "Benchmark scenarios"): end-to-end ingestion throughput (read, parse,
// chunk, embed with the built-in embedder, index, commit) for plain text, Markdown and PDF. Each
// format runs several times into a fresh data dir; the median run is reported.
#include "bench_support.h"

#include "workspace/workspace.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QPainter>
#include <QPdfWriter>
#include <QTemporaryDir>

#include <cstdio>

using namespace rag;

namespace {
struct Run {
    double seconds = 0;
    qint64 chunks = 0;
    qint64 bytes = 0;
};

Run ingestOnce(const QString &corpus)
{
    QTemporaryDir data;
    auto workspace = Workspace::open({data.path(), {}, {}});
    if (!workspace || !(*workspace)->createKnowledgeBase({QStringLiteral("bench")}))
        qFatal("cannot create the workspace");
    auto job = (*workspace)->ingestJob(QStringLiteral("bench"), {corpus});
    QElapsedTimer clock;
    clock.start();
    const auto report = (*job)->run();
    Run run{double(clock.nsecsElapsed()) / 1e9, report.chunksWritten, report.bytesRead};
    if (report.anyFailed())
        qFatal("ingest failed");
    return run;
}

Run median(const QString &corpus, int repeats)
{
    std::vector<Run> runs;
    for (int i = 0; i < repeats; ++i)
        runs.push_back(ingestOnce(corpus));
    std::sort(runs.begin(), runs.end(), [](const Run &a, const Run &b) { return a.seconds < b.seconds; });
    return runs[runs.size() / 2];
}

int writePdfs(const QString &dir, int files, int pagesPerFile)
{
    QDir().mkpath(dir);
    bench::SyntheticText text(9);
    for (int f = 0; f < files; ++f) {
        QPdfWriter writer(QDir(dir).filePath(QStringLiteral("doc-%1.pdf").arg(f)));
        writer.setResolution(72);
        QPainter painter(&writer);
        for (int p = 0; p < pagesPerFile; ++p) {
            if (p > 0)
                writer.newPage();
            painter.drawText(QRect(40, 40, 500, 760), Qt::TextWordWrap, text.paragraph(350));
        }
    }
    return files * pagesPerFile;
}
} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen"); // QPdfWriter needs a GUI application, not a display
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("files"), QStringLiteral("text files per format"), QStringLiteral("N"), QStringLiteral("2000")});
    parser.addOption({QStringLiteral("repeats"), QStringLiteral("runs per format"), QStringLiteral("N"), QStringLiteral("3")});
    parser.process(app);
    const int files = parser.value(QStringLiteral("files")).toInt();
    const int repeats = parser.value(QStringLiteral("repeats")).toInt();

    QTemporaryDir corpora;
    std::printf("S5 ingestion, %s, median of %d runs\n", qPrintable(bench::machineLine()), repeats);
    std::printf("| format | files | MB | chunks | seconds | MB/s | chunks/s | pages/s |\n|---|---|---|---|---|---|---|---|\n");
    for (const QString &suffix : {QStringLiteral(".txt"), QStringLiteral(".md")}) {
        const QString dir = corpora.filePath(suffix.mid(1));
        bench::writeCorpus(dir, files, 50, 42, suffix);
        const Run run = median(dir, repeats);
        std::printf("| %s | %d | %.1f | %lld | %.2f | %.1f | %.0f | |\n", qPrintable(suffix.mid(1)), files,
                    double(run.bytes) / 1e6, run.chunks, run.seconds, double(run.bytes) / 1e6 / run.seconds,
                    double(run.chunks) / run.seconds);
    }
    const QString pdfDir = corpora.filePath(QStringLiteral("pdf"));
    const int pages = writePdfs(pdfDir, 40, 25);
    const Run run = median(pdfDir, repeats);
    std::printf("| pdf | 40 | %.1f | %lld | %.2f | %.1f | %.0f | %.0f |\n", double(run.bytes) / 1e6, run.chunks, run.seconds,
                double(run.bytes) / 1e6 / run.seconds, double(run.chunks) / run.seconds, double(pages) / run.seconds);
    return 0;
}
