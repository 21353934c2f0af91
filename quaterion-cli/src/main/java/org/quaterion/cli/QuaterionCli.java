package org.quaterion.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.quaterion.dataset.Datasets;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityDataLoader;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.distance.Distance;
import org.quaterion.eval.Evaluator;
import org.quaterion.eval.GroupSampler;
import org.quaterion.eval.HnswIndex;
import org.quaterion.eval.KnnResult;
import org.quaterion.eval.PairSampler;
import org.quaterion.eval.RetrievalMetrics;
import org.quaterion.eval.SampleMetric;
import org.quaterion.models.ModelRegistry;
import org.quaterion.models.SimilarityModel;
import org.quaterion.sampler.BalanceSampler;
import org.quaterion.train.EarlyStopping;
import org.quaterion.train.FitResult;
import org.quaterion.train.Quaterion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code quaterion} command-line tool: {@code train} from a YAML config, {@code evaluate}, {@code encode},
 * {@code index} and {@code search} with a saved model, {@code cache} (precompute a frozen encoder's cache, in this
 * JVM or on Spark). Text records. Bad input exits with status 2 and a message
 * saying what to fix.
 */
@Command(name = "quaterion", mixinStandardHelpOptions = true, version = "quaterion 0.1.0",
        description = "Fine-tune, evaluate and serve similarity models.",
        subcommands = {QuaterionCli.Train.class, QuaterionCli.Evaluate.class, QuaterionCli.Encode.class,
            QuaterionCli.Index.class, QuaterionCli.Search.class, CacheCommand.class})
public final class QuaterionCli implements Callable<Integer> {

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    /**
     * Runs the tool.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the tool and returns the exit status (0 ok, 2 bad input or configuration).
     *
     * @param args the command line
     * @return the status
     */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new QuaterionCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof java.nio.file.NoSuchFileException missing) {
                cmd.getErr().println("error: file not found: " + missing.getFile());
                return 2;
            }
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof IOException) {
                cmd.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }

    private static SimilarityModel<String> load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no model at " + dir + ": pass the servable directory that "
                    + "`quaterion train` wrote (<output>/servable)");
        }
        return SimilarityModel.load(dir, ModelRegistry.discover(), null);
    }

    private static List<String> texts(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no input file " + file);
        }
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.add(line.startsWith("{") ? com.google.gson.JsonParser.parseString(line).getAsJsonObject()
                        .get("text").getAsString() : line);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " has no texts");
        }
        return out;
    }

    /** {@code quaterion train --config train.yaml}. */
    @Command(name = "train", description = "Fine-tune a head on a frozen text encoder from a YAML config.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "the YAML config")
        Path config;

        @Override
        public Integer call() throws IOException {
            TrainConfig c = TrainConfig.read(config);
            SimilarityDataLoader<?, ?> train;
            SimilarityDataLoader<?, ?> validation = null;
            if (c.kind().equals("pairs")) {
                List<SimilarityPairSample<String>> data = Datasets.pairsFromJsonl(c.train(), e -> e.getAsString());
                train = new PairsSimilarityDataLoader<>(data, LoaderOptions.batchSize(c.batchSize())
                        .withShuffle(c.seed()).withDropLast());
                if (c.validation() != null) {
                    validation = new PairsSimilarityDataLoader<>(Datasets.pairsFromJsonl(c.validation(),
                            e -> e.getAsString()), LoaderOptions.batchSize(c.batchSize()));
                }
            } else {
                List<SimilarityGroupSample<String>> data = Datasets.groupsFromJsonl(c.train(), e -> e.getAsString());
                LoaderOptions options = LoaderOptions.batchSize(c.batchSize()).withShuffle(c.seed());
                if (c.sampler().equals("balance")) {
                    options = options.withBatchSampler(new BalanceSampler(GroupSimilarityDataLoader.groupsOf(data),
                            c.labelsPerBatch(), Math.max(2, c.batchSize() / c.labelsPerBatch()), c.seed()));
                }
                train = new GroupSimilarityDataLoader<>(data, options);
                if (c.validation() != null) {
                    validation = new GroupSimilarityDataLoader<>(Datasets.groupsFromJsonl(c.validation(),
                            e -> e.getAsString()), LoaderOptions.batchSize(c.batchSize()));
                }
            }
            try (ConfiguredModel model = new ConfiguredModel(c)) {
                // every configured epoch runs; the servable holds the best epoch's weights by this monitor
                String monitor = validation != null ? "validation_loss" : "train_loss";
                FitResult result = Quaterion.fit(model, Quaterion.trainerDefaults().withMaxEpochs(c.epochs())
                        .withSeed(c.seed()).withOutputDir(c.output())
                        .withEarlyStopping(new EarlyStopping(monitor, true, Integer.MAX_VALUE, 0))
                        .withRestoreBest(true), train, validation);
                Path servable = c.output().resolve("servable");
                model.saveServable(servable);
                System.out.printf(Locale.ROOT, "trained %d epochs; best epoch %d (%s %.6g): %s%nservable (best "
                        + "epoch's weights): %s%n", result.epochs().size(), result.bestEpoch(), monitor,
                        result.bestValues().get(monitor), result.bestValues(), servable);
            }
            return 0;
        }
    }

    /** {@code quaterion evaluate --model DIR --data FILE --kind pairs|groups}. */
    @Command(name = "evaluate", description = "Retrieval metrics of a model on JSONL pairs or groups.")
    static final class Evaluate implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "the servable directory")
        Path model;

        @Option(names = "--data", required = true, description = "JSONL pairs {obj_a, obj_b} or groups {obj, group}")
        Path data;

        @Option(names = "--kind", defaultValue = "pairs", description = "pairs or groups (default ${DEFAULT-VALUE})")
        String kind;

        @Override
        public Integer call() throws IOException {
            Map<String, Double> out;
            try (SimilarityModel<String> m = load(model)) {
                if (kind.equals("pairs")) {
                    out = new Evaluator<>(Map.of("p@1", SampleMetric.retrievalPrecision(1, Distance.cosine()),
                            "mrr", SampleMetric.retrievalReciprocalRank(Distance.cosine())),
                            new PairSampler<String>(-1, true, 256, 0)).evaluate(Datasets.pairsFromJsonl(data,
                            e -> e.getAsString()), m);
                } else if (kind.equals("groups")) {
                    out = new Evaluator<>(Map.of(
                            "precision_at_1", SampleMetric.retrieval(Distance.cosine(), RetrievalMetrics::precisionAt1),
                            "r_precision", SampleMetric.retrieval(Distance.cosine(), RetrievalMetrics::rPrecision),
                            "map@r", SampleMetric.retrieval(Distance.cosine(),
                                    RetrievalMetrics::meanAveragePrecisionAtR)),
                            new GroupSampler<String>(-1, 256, 0)).evaluate(Datasets.groupsFromJsonl(data,
                            e -> e.getAsString()), m);
                } else {
                    throw new IllegalArgumentException("--kind must be pairs or groups, got " + kind);
                }
            }
            out.forEach((k, v) -> System.out.printf(Locale.ROOT, "%s\t%.4f%n", k, v));
            return 0;
        }
    }

    /** {@code quaterion encode --model DIR --input FILE --output FILE}. */
    @Command(name = "encode", description = "Encode texts (one per line, or JSONL {text}) to JSONL vectors.")
    static final class Encode implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "the servable directory")
        Path model;

        @Option(names = "--input", required = true, description = "texts, one per line or JSONL with \"text\"")
        Path input;

        @Option(names = "--output", required = true, description = "JSONL lines {\"text\": …, \"vector\": […]}")
        Path output;

        @Option(names = "--batch-size", defaultValue = "64", description = "texts per forward pass")
        int batchSize;

        @Override
        public Integer call() throws IOException {
            List<String> texts = texts(input);
            try (SimilarityModel<String> m = load(model)) {
                float[][] vectors = m.encode(texts, batchSize);
                Path tmp = output.resolveSibling(output.getFileName() + ".tmp");
                try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
                        PrintWriter p = new PrintWriter(w)) {
                    for (int i = 0; i < texts.size(); i++) {
                        com.google.gson.JsonObject line = new com.google.gson.JsonObject();
                        line.addProperty("text", texts.get(i));
                        com.google.gson.JsonArray v = new com.google.gson.JsonArray();
                        for (float x : vectors[i]) {
                            v.add(x);
                        }
                        line.add("vector", v);
                        p.println(line);
                    }
                }
                Files.move(tmp, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            System.out.printf(Locale.ROOT, "encoded %d texts to %s%n", texts.size(), output);
            return 0;
        }
    }

    /** {@code quaterion index --model DIR --input FILE --index DIR}. */
    @Command(name = "index", description = "Build a Lucene HNSW index of texts with a model.")
    static final class Index implements Callable<Integer> {
        /** The artifact kind of an index directory (texts + HNSW graph). */
        static final String TEXT_INDEX_KIND = "text-index";

        @Option(names = "--model", required = true, description = "the servable directory")
        Path model;

        @Option(names = "--input", required = true, description = "texts, one per line or JSONL with \"text\"")
        Path input;

        @Option(names = "--index", required = true, description = "the index directory (replaced)")
        Path index;

        @Override
        public Integer call() throws IOException {
            org.quaterion.models.io.AtomicDirectory.checkReplaceable(index, TEXT_INDEX_KIND);
            List<String> texts = texts(input);
            try (SimilarityModel<String> m = load(model)) {
                float[][] vectors = m.encode(texts, 64);
                org.quaterion.models.io.AtomicDirectory.write(index, TEXT_INDEX_KIND, dir -> {
                    Files.write(dir.resolve("texts.txt"), texts, StandardCharsets.UTF_8);
                    HnswIndex.build(dir.resolve("hnsw"), vectors, Distance.cosine(), HnswIndex.Config.defaults())
                            .close();
                });
            }
            System.out.printf(Locale.ROOT, "indexed %d texts in %s%n", texts.size(), index);
            return 0;
        }
    }

    /** {@code quaterion search --model DIR --index DIR [-k 5] QUERY...}. */
    @Command(name = "search", description = "Top-k texts of an index for each query.")
    static final class Search implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "the servable directory")
        Path model;

        @Option(names = "--index", required = true, description = "an index built by `quaterion index`")
        Path index;

        @Option(names = "-k", defaultValue = "5", description = "results per query (default ${DEFAULT-VALUE})")
        int k;

        @Parameters(arity = "1..*", description = "queries")
        List<String> queries;

        @Override
        public Integer call() throws IOException {
            if (!Files.isRegularFile(index.resolve("texts.txt"))) {
                throw new IllegalArgumentException("no index at " + index + ": build one with `quaterion index`");
            }
            List<String> texts = Files.readAllLines(index.resolve("texts.txt"), StandardCharsets.UTF_8);
            try (SimilarityModel<String> m = load(model); HnswIndex hnsw = HnswIndex.open(index.resolve("hnsw"))) {
                KnnResult top = hnsw.search(m.encode(queries, 16), k);
                for (int q = 0; q < queries.size(); q++) {
                    System.out.println(queries.get(q));
                    for (int r = 0; r < top.k(); r++) {
                        long row = top.indices()[q][r];
                        if (row >= 0) {
                            System.out.printf(Locale.ROOT, "  %d. %s  (cosine distance %.4f)%n", r + 1,
                                    texts.get((int) row), top.distances()[q][r]);
                        }
                    }
                }
            }
            return 0;
        }
    }
}
