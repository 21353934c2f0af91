package org.quaterion.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.quaterion.distance.Distance;
import org.quaterion.eval.ir.IrDataset;
import org.quaterion.eval.ir.IrEvaluation;
import org.quaterion.eval.ir.IrEvaluator;

/**
 * The {@code evaluator} section of a train config: an information-retrieval evaluation of a BEIR directory after
 * every epoch ({@link IrEvaluation}, metrics {@code ir_<metric>} in metrics.csv), which by default also picks the
 * best epoch ({@code ir_ndcg@10}, larger is better). {@code quaterion evaluate --ir} reads the same settings from
 * its options.
 *
 * @param beir the BEIR directory ({@code corpus.jsonl}, {@code queries.jsonl}, {@code qrels/<split>.tsv})
 * @param split the qrels file name without {@code .tsv}
 * @param score {@code cosine} or {@code dot}
 * @param monitor the metric that picks the best epoch (such as {@code ndcg@10}), or {@code loss} to keep the loss
 * @param patience epochs without improvement before stopping, 0 = run every epoch
 * @param batchSize texts per encoder call
 */
record EvaluatorSettings(Path beir, String split, String score, String monitor, int patience, int batchSize) {

    static final List<String> SCORES = List.of("cosine", "dot");
    /** The value of {@code monitor} that keeps the loss as the run's monitor. */
    static final String LOSS = "loss";

    /**
     * Reads the section.
     *
     * @param node the {@code evaluator} mapping
     * @param base the config file's directory
     * @return the settings
     */
    static EvaluatorSettings read(ConfigNode node, Path base) {
        Path beir = base.resolve(node.string("beir"));
        String split = node.string("split", "test");
        String score = node.choice("score", "cosine", SCORES);
        List<String> monitors = new ArrayList<>(IrEvaluator.Config.defaults().metricNames());
        monitors.add(LOSS);
        String monitor = node.choice("monitor", "ndcg@10", monitors);
        int patience = node.integer("patience", 0, 1);
        int batchSize = node.integer("batch_size", 32, 1);
        node.finish();
        return new EvaluatorSettings(beir, split, score, monitor, patience, batchSize);
    }

    /**
     * The distance of a score name.
     *
     * @param score {@code cosine} or {@code dot}
     * @return the distance
     */
    static Distance distance(String score) {
        return switch (score) {
            case "cosine" -> Distance.cosine();
            case "dot" -> Distance.dotProduct();
            default -> throw new IllegalArgumentException("the score must be one of " + SCORES + ", got " + score);
        };
    }

    /**
     * Reads the BEIR directory and builds the evaluator (the defaults of sentence-transformers' evaluator with
     * this score and batch size).
     *
     * @return the evaluator
     * @throws IOException when a file cannot be read
     */
    IrEvaluator evaluator() throws IOException {
        return new IrEvaluator(IrDataset.readBeir(beir, split), IrEvaluator.Config.defaults()
                .withDistance(distance(score)).withBatchSize(batchSize));
    }

    /**
     * The epoch value the run monitors, when this evaluation picks the best epoch.
     *
     * @return {@code ir_<monitor>}, or null for {@code monitor: loss}
     */
    String monitoredKey() {
        return monitor.equals(LOSS) ? null : IrEvaluation.DEFAULT_PREFIX + "_" + monitor;
    }
}
