package org.quaterion.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.quaterion.dataset.Datasets;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.distance.Distance;
import org.quaterion.eval.Evaluator;
import org.quaterion.eval.GroupSampler;
import org.quaterion.eval.PairSampler;
import org.quaterion.eval.RetrievalMetrics;
import org.quaterion.eval.SampleMetric;
import org.quaterion.eval.ir.IrEvaluator;
import org.quaterion.eval.ir.IrResult;
import org.quaterion.models.SimilarityModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quaterion evaluate --model DIR --data FILE --kind pairs|groups}, or {@code --ir DIR} for a BEIR set. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Retrieval metrics of a model on JSONL pairs or groups, or information-retrieval metrics "
                + "(NDCG, MRR, MAP, recall, precision, accuracy at k) on a BEIR directory.")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "the servable directory")
    Path model;

    @Option(names = "--data", description = "JSONL pairs {obj_a, obj_b} or groups {obj, group}")
    Path data;

    @Option(names = "--ir", paramLabel = "DIR", description = "instead of --data: a BEIR directory (corpus.jsonl, "
            + "queries.jsonl, qrels/<split>.tsv) for sentence-transformers' information-retrieval metrics")
    Path ir;

    @Option(names = "--split", defaultValue = "test", description = "with --ir: the qrels file, qrels/<split>.tsv "
            + "(default ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--score", defaultValue = "cosine", description = "with --ir: cosine or dot (default "
            + "${DEFAULT-VALUE})")
    String score;

    @Option(names = "--kind", defaultValue = "pairs", description = "pairs or groups (default ${DEFAULT-VALUE})")
    String kind;

    @Option(names = "--rerank", defaultValue = "none", description = "groups only: none, alpha-qe (αQE, 2 "
            + "neighbours, α = 3) or k-reciprocal (k1 = 20, k2 = 6, λ = 0.3) (default ${DEFAULT-VALUE})")
    String rerank;

    @Option(names = "--knn", defaultValue = "0", description = "groups only: also report leave-one-out k-nearest-"
            + "neighbour classification accuracy with this k (0: off; default ${DEFAULT-VALUE})")
    int knn;

    @Override
    public Integer call() throws IOException {
        if ((data == null) == (ir == null)) {
            throw new IllegalArgumentException("give either --data FILE (pairs or groups) or --ir DIR (a BEIR "
                    + "directory)");
        }
        if (ir != null) {
            return informationRetrieval();
        }
        if (!split.equals("test") || !score.equals("cosine")) {
            throw new IllegalArgumentException("--split and --score go with --ir DIR");
        }
        // every option and the data file are checked, and the data read, before the model loads
        if (!kind.equals("pairs") && !kind.equals("groups")) {
            throw new IllegalArgumentException("--kind must be pairs or groups, got " + kind);
        }
        if (knn < 0 || (knn > 0 && !kind.equals("groups"))) {
            throw new IllegalArgumentException("--knn takes k >= 1 on group data (--kind groups), got " + knn
                    + " on " + kind);
        }
        org.quaterion.eval.Reranking reranking = switch (rerank) {
            case "none" -> null;
            case "alpha-qe" -> new org.quaterion.eval.QueryExpansion(2, 3);
            case "k-reciprocal" -> org.quaterion.eval.KReciprocalReranking.defaults();
            default -> throw new IllegalArgumentException("--rerank must be none, alpha-qe or k-reciprocal, got "
                    + rerank);
        };
        if (reranking != null && !kind.equals("groups")) {
            throw new IllegalArgumentException("--rerank works on group retrieval: use --kind groups");
        }
        CliInputs.requireFile(data, "data");
        Map<String, Double> out;
        if (kind.equals("pairs")) {
            List<SimilarityPairSample<String>> pairs = Datasets.pairsFromJsonl(data, e -> e.getAsString());
            try (SimilarityModel<String> m = CliInputs.load(model)) {
                out = new Evaluator<>(Map.of("p@1", SampleMetric.retrievalPrecision(1, Distance.cosine()),
                        "mrr", SampleMetric.retrievalReciprocalRank(Distance.cosine())),
                        new PairSampler<String>(-1, true, 256, 0)).evaluate(pairs, m);
            }
        } else {
            List<SimilarityGroupSample<String>> groups = Datasets.groupsFromJsonl(data, e -> e.getAsString());
            Map<String, SampleMetric> metrics = new java.util.LinkedHashMap<>(Map.of(
                    "precision_at_1", SampleMetric.retrieval(Distance.cosine(), reranking,
                            RetrievalMetrics::precisionAt1),
                    "r_precision", SampleMetric.retrieval(Distance.cosine(), reranking,
                            RetrievalMetrics::rPrecision),
                    "map@r", SampleMetric.retrieval(Distance.cosine(), reranking,
                            RetrievalMetrics::meanAveragePrecisionAtR)));
            if (knn > 0) {
                metrics.put("knn_accuracy@" + knn, SampleMetric.knnAccuracy(Distance.cosine(), knn));
            }
            try (SimilarityModel<String> m = CliInputs.load(model)) {
                out = new Evaluator<>(metrics, new GroupSampler<String>(-1, 256, 0)).evaluate(groups, m);
            }
        }
        out.forEach((k, v) -> System.out.printf(Locale.ROOT, "%s\t%.4f%n", k, v));
        return 0;
    }

    /** {@code --ir}: the BEIR set is read and checked before the model loads; prints one line, then a table. */
    private int informationRetrieval() throws IOException {
        if (!kind.equals("pairs") || !rerank.equals("none") || knn != 0) {
            throw new IllegalArgumentException("--kind, --rerank and --knn go with --data; --ir reads a BEIR "
                    + "directory");
        }
        EvaluatorSettings settings = new EvaluatorSettings(ir, split, score, "ndcg@10", 0, 32);
        EvaluatorSettings.distance(score);
        IrEvaluator evaluator = settings.evaluator();
        IrResult result;
        try (SimilarityModel<String> m = CliInputs.load(model)) {
            result = evaluator.evaluate(m);
        }
        System.out.printf(Locale.ROOT, "%s split %s: %d queries (%d skipped without a relevant document), %d "
                + "documents, %s search, %s%n", ir, split, result.queries(), result.skippedQueries(),
                result.documents(), result.engine(), score);
        System.out.println("metric\tvalue");
        result.metrics().forEach((k, v) -> System.out.printf(Locale.ROOT, "%s\t%.4f%n", k, v));
        return 0;
    }
}
