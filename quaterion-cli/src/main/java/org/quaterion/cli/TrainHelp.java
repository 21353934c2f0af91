package org.quaterion.cli;

import java.util.ArrayList;
import java.util.List;
import org.quaterion.miner.Miner;

/**
 * The YAML keys that {@code train --help} lists, with the loss and miner names read from the registry, so that the
 * help names every component a config may use.
 */
final class TrainHelp {

    private static final int WIDTH = 68;
    private static final String INDENT = "           ";

    private TrainHelp() {}

    /**
     * The footer of {@code train --help}.
     *
     * @return its lines
     */
    static String[] footer() {
        List<String> lines = new ArrayList<>(List.of("", "YAML config keys (paths relative to the file; see docs/cli.md):",
                "  model:   encoder (minilm-int8|minilm-fp32|onnx|transformer|",
                "           cross-encoder), onnx {model, tokenizer, dim}, head",
                "           (skip_connection|linear|gated|widening|normalize|empty),",
                "           output_size (a cross-encoder's labels, default 1),",
                "           transformer {source (minilm|e5-small|a Hugging Face",
                "           directory), pooling (mean|cls|last), normalize,",
                "           max_length, freeze_layers, freeze_embeddings, lora",
                "           {rank, alpha, dropout, targets, layers}, learning_rates",
                "           {embeddings, layers, head} (factors)}, prompts {query,",
                "           document, default_role} (prefixes per input role)",
                "  data:    kind (pairs|groups|scored_pairs: a cross-encoder's",
                "           {query, document, target, group} lines), train,",
                "           validation (JSONL files),",
                "           negatives (pairs: mined per pair, 0 = none)"));
        List<String> loss = new ArrayList<>(List.of("name", "(pairs:"));
        loss.addAll(alternatives(TrainConfig.lossNames(true), ";"));
        loss.add("groups:");
        loss.addAll(alternatives(TrainConfig.lossNames(false), ";"));
        loss.add("scored_pairs:");
        loss.addAll(alternatives(TrainConfig.scoreLossNames(), "),"));
        lines.addAll(wrap("  loss:    ", loss));
        lines.addAll(List.of("           plus any setting of that loss (margin, scale, distance),",
                "           matryoshka_dims, matryoshka_weights (optional levels),",
                "           embedding_regularizer, weight_regularizer (optional)"));
        List<String> miner = new ArrayList<>(List.of("name", "("));
        miner.addAll(alternatives(TrainConfig.REGISTRY.names(Miner.class), ")"));
        miner.addAll(List.of("plus", "settings;", "groups", "only,", "optional"));
        lines.addAll(wrap("  miner:   ", miner));
        lines.addAll(List.of("  trainer: epochs, batch_size, learning_rate, seed,",
                "           sampler (random|balance|no_duplicates), labels_per_batch,",
                "           ema_decay (0 = off, e.g. 0.999: weight average),",
                "           tensorboard (true: event files in <output>/tensorboard)",
                "  cache:   dir (optional: keep the frozen encoder's cache)",
                "  evaluator: beir (a BEIR directory), split (default test),",
                "           score (cosine|dot), monitor (default ndcg@10;",
                "           loss keeps the loss), patience, batch_size;",
                "           optional IR metrics ir_<metric> after every epoch",
                "  output:  directory for servable/, metrics.csv, checkpoints/"));
        return lines.toArray(String[]::new);
    }

    /** Names as alternatives {@code a|b|c}: each but the last ends with '|', the last with {@code end}. */
    private static List<String> alternatives(List<String> names, String end) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            out.add(names.get(i) + (i + 1 < names.size() ? "|" : end));
        }
        return out;
    }

    /**
     * Fills lines up to {@link #WIDTH}: words after one ending in '|' or '(' follow without a space; continuation
     * lines are indented under the first word.
     *
     * @param first the start of the first line
     * @param words the words
     * @return the lines
     */
    static List<String> wrap(String first, List<String> words) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(first);
        boolean fresh = true;
        for (String word : words) {
            boolean glued = !fresh && (line.charAt(line.length() - 1) == '|' || line.charAt(line.length() - 1) == '(');
            String sep = fresh || glued ? "" : " ";
            if (!fresh && line.length() + sep.length() + word.length() > WIDTH) {
                lines.add(line.toString());
                line = new StringBuilder(INDENT);
                sep = "";
            }
            line.append(sep).append(word);
            fresh = false;
        }
        lines.add(line.toString());
        return lines;
    }
}
