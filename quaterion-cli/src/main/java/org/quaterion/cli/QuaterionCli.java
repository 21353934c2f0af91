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
import org.quaterion.dataset.Batch;
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
import org.quaterion.eval.PairSampler;
import org.quaterion.eval.RetrievalMetrics;
import org.quaterion.eval.SampleMetric;
import org.quaterion.models.ModelRegistry;
import org.quaterion.models.SimilarityModel;
import org.quaterion.sampler.BalanceSampler;
import org.quaterion.search.HnswIndex;
import org.quaterion.search.KnnResult;
import org.quaterion.train.EarlyStopping;
import org.quaterion.train.FitResult;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainerConfig;
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
            QuaterionCli.Index.class, QuaterionCli.Search.class, CacheCommand.class, QuaterionCli.Info.class,
            CommandLine.HelpCommand.class})
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
     * Runs the tool and returns the exit status (0 ok, 2 bad input or configuration, 3 a damaged model or
     * checkpoint file, 130 interrupted, 1 a bug).
     *
     * @param args the command line
     * @return the status
     */
    public static int run(String... args) {
        EngineLogLevels.apply(); // before any engine loads
        CommandLine cli = new CommandLine(new QuaterionCli());
        cli.setParameterExceptionHandler((e, arguments) -> {
            // a wrong option or argument: one line, like every other usage error, pointing to the usage
            String name = e.getCommandLine().getCommandSpec().qualifiedName();
            printError(e.getCommandLine(), firstLine(e.getMessage()) + "; see `" + name + " --help`");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof java.nio.file.NoSuchFileException missing) {
                printError(cmd, "file not found: " + missing.getFile());
                return 2;
            }
            if (e instanceof org.quaterion.models.CorruptArtifactException corrupt) {
                printError(cmd, "damaged file: " + corrupt.getMessage());
                return 3; // not a usage error: restore the artifact or write it again
            }
            if (e instanceof java.nio.file.AccessDeniedException denied) {
                printError(cmd, "permission denied: " + denied.getFile());
                return 2;
            }
            Throwable cause = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || cause instanceof IOException) {
                // bad input or an environment problem the user can fix: one line, exit 2; library bugs
                // (anything else) keep their stack trace and exit 1
                String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
                printError(cmd, firstLine(message)
                        + (cause != e && cause.getMessage() != null ? " (" + cause.getMessage() + ")" : ""));
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** The prefix of every error line the tool prints. */
    static final String ERROR_PREFIX = "error: ";

    /** Prints one error line, with the tool's one prefix, to the command's error stream. */
    private static void printError(CommandLine cmd, String message) {
        cmd.getErr().println(ERROR_PREFIX + message);
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse(message);
    }

    /**
     * Checks an input file before any work: it exists, is a regular file and is readable.
     *
     * @param file the file
     * @param what what it is, for the message
     */
    static void requireFile(Path file, String what) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(what + " " + file + " is a directory; give a file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no " + what + " file " + file);
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(what + " file " + file + " is not readable");
        }
    }

    /**
     * The directory an output is written into.
     *
     * @param output the output path
     * @return its parent; the file-system root itself is refused
     */
    static Path parentOf(Path output) {
        Path parent = output.toAbsolutePath().normalize().getParent();
        if (parent == null) {
            throw new IllegalArgumentException("cannot write an output to the file-system root " + output
                    + "; choose a sub-directory");
        }
        return parent;
    }

    /**
     * Checks, before any work, that a directory exists or can be created and is writable.
     *
     * @param dir the directory
     * @param what what goes there, for the message
     */
    static void requireWritableDirectory(Path dir, String what) {
        Path absolute = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute);
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("cannot create the " + what + " directory " + absolute + " ("
                    + e.getClass().getSimpleName() + "); choose a writable path");
        }
        if (!Files.isWritable(absolute)) {
            throw new IllegalArgumentException("the " + what + " directory " + absolute + " is not writable; choose "
                    + "a writable path");
        }
    }

    private static SimilarityModel<String> load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no model at " + dir + ": pass the servable directory that "
                    + "`quaterion train` wrote (<output>/servable)");
        }
        return SimilarityModel.load(dir, ModelRegistry.discover(), null, String.class);
    }

    /**
     * The texts of an input file: JSON lines with {@code "text"} (read by {@link Datasets#readJsonl}, like every
     * JSON Lines input of the tool) when the file name ends in {@code .jsonl} or its first non-blank line starts
     * with <code>{</code>; otherwise every non-blank line is a text as it is.
     */
    private static List<String> texts(Path file) throws IOException {
        requireFile(file, "input");
        List<String> lines = String.valueOf(file.getFileName()).endsWith(".jsonl") ? null : readLines(file);
        String first = lines == null ? "{" : lines.stream().filter(l -> !l.isBlank()).findFirst().orElse("");
        List<String> out;
        if (first.stripLeading().startsWith("{")) {
            out = Datasets.readJsonl(file, o -> {
                com.google.gson.JsonElement text = o.get("text");
                if (text == null || !text.isJsonPrimitive() || !text.getAsJsonPrimitive().isString()) {
                    throw new IllegalArgumentException("no string \"text\" (a JSON line needs {\"text\": \"...\"}; "
                            + "a file of plain lines holds one text per line)");
                }
                return text.getAsString();
            });
        } else {
            out = lines.stream().filter(l -> !l.isBlank()).toList();
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " has no texts");
        }
        return out;
    }

    private static List<String> readLines(Path file) throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not UTF-8 text; save it as UTF-8", e);
        }
    }

    /** {@code quaterion train --config train.yaml}. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Fine-tune a head on a frozen text encoder from a YAML config.",
            footer = {"", "YAML config keys (paths relative to the file; see docs/cli.md):",
                "  model:   encoder (minilm-int8|minilm-fp32|onnx), onnx {model,",
                "           tokenizer, dim}, head (skip_connection|linear|gated|",
                "           widening|normalize|empty), output_size",
                "  data:    kind (pairs|groups), train, validation (JSONL files)",
                "  loss:    name (pairs: multiple_negatives_ranking|contrastive|",
                "           cosent; groups: triplet|triplet_margin|ntxent|...),",
                "           plus any setting of that loss (margin, scale, distance),",
                "           matryoshka_dims, matryoshka_weights (optional levels),",
                "           embedding_regularizer, weight_regularizer (optional)",
                "  miner:   name (batch_hard|multi_similarity|pair_margin|",
                "           triplet_margin) plus settings; groups only, optional",
                "  trainer: epochs, batch_size, learning_rate, seed,",
                "           sampler (random|balance), labels_per_batch,",
                "           ema_decay (0 = off, e.g. 0.999: weight average),",
                "           tensorboard (true: event files in <output>/tensorboard)",
                "  cache:   dir (optional: keep the frozen encoder's cache)",
                "  output:  directory for servable/, metrics.csv, checkpoints/"})
    static final class Train implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "the YAML config")
        Path config;

        @Option(names = "--resume", description = "continue from a checkpoint directory, or 'latest' for the newest "
                + "under <output>/checkpoints")
        String resume;

        @Override
        public Integer call() throws IOException {
            TrainConfig c = TrainConfig.read(config);
            // every output is checked before the cache fill and the first epoch
            requireWritableDirectory(c.output(), "output");
            org.quaterion.models.io.AtomicDirectory.checkReplaceable(c.output().resolve("servable"),
                    SimilarityModel.KIND);
            requireFile(c.train(), "training data");
            if (c.validation() != null) {
                requireFile(c.validation(), "validation data");
            }
            if (c.onnxModel() != null) {
                requireFile(c.onnxModel(), "ONNX model");
                requireFile(c.onnxTokenizer(), "tokenizer");
            }
            if (c.cacheDir() != null) {
                requireWritableDirectory(c.cacheDir(), "cache");
            }
            SimilarityDataLoader<?, ? extends Batch<String>> train;
            SimilarityDataLoader<?, ? extends Batch<String>> validation = null;
            int numClasses = 0;
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
                numClasses = classCount(data, c);
                if (c.validation() != null) {
                    validation = new GroupSimilarityDataLoader<>(Datasets.groupsFromJsonl(c.validation(),
                            e -> e.getAsString()), LoaderOptions.batchSize(c.batchSize()));
                }
            }
            Path resumeFrom = resumePath(c.output());
            try (ConfiguredModel model = new ConfiguredModel(c, numClasses); StopOnSignal signal = new StopOnSignal(
                    model::requestStop)) {
                // every configured epoch runs; the servable holds the best epoch's weights by this monitor
                String monitor = validation != null ? "validation_loss" : "train_loss";
                FitResult result;
                try {
                    result = Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(c.epochs())
                            .withSeed(c.seed()).withOutputDir(c.output())
                            .withEarlyStopping(new EarlyStopping(monitor, true, Integer.MAX_VALUE, 0))
                            .withRestoreBest(true).withEma(c.emaDecay())
                            .withTensorBoard(c.tensorBoard() ? c.output().resolve("tensorboard") : null), train,
                            validation, resumeFrom);
                } catch (java.util.concurrent.CancellationException e) {
                    System.err.println("interrupted while filling the cache: nothing partial was kept; run the same "
                            + "command again to start over");
                    return 130;
                }
                if (result.interrupted()) {
                    Path latest = org.quaterion.train.Checkpoint.latest(c.output());
                    // epochs count from 1, as in the progress lines and the checkpoint names (epoch-0003 holds
                    // the weights after epoch 3)
                    System.err.println((result.epochs().isEmpty() ? "interrupted during epoch 1"
                            : "interrupted after epoch " + result.epochs().size()) + "; latest checkpoint "
                            + (latest == null ? "none" : latest) + "; resume with: quaterion train --config " + config
                            + (latest == null ? "" : " --resume latest"));
                    return 130; // the model closes first (waiting for encoder calls in flight), then the JVM exits
                }
                Path servable = c.output().resolve("servable");
                model.saveServable(servable);
                System.out.printf(Locale.ROOT, "trained %d epochs; best epoch %d (%s %.6g, checkpoint %s): %s%n"
                        + "servable (best epoch's weights): %s%n", result.epochs().size(), result.bestEpoch(), monitor,
                        result.bestValues().get(monitor), result.bestCheckpoint(), result.bestValues(), servable);
            }
            return 0;
        }

        /** Class-weight losses (ArcFace, …) need groups numbered 0..C-1: C is the largest group + 1. */
        private static int classCount(List<SimilarityGroupSample<String>> data, TrainConfig c) {
            long max = data.stream().mapToLong(SimilarityGroupSample::group).max().orElse(0);
            long min = data.stream().mapToLong(SimilarityGroupSample::group).min().orElse(0);
            boolean classWeights = TrainConfig.REGISTRY.isLoss(c.loss(), org.quaterion.loss.ClassWeightLoss.class);
            if (classWeights && (min < 0 || max >= 1_000_000)) {
                throw new IllegalArgumentException("loss " + c.loss() + " keeps one weight row per group, so groups "
                        + "must be numbered 0..C-1; " + c.train() + " has groups from " + min + " to " + max);
            }
            return (int) Math.min(max + 1, Integer.MAX_VALUE);
        }

        private Path resumePath(Path output) throws IOException {
            if (resume == null) {
                return null;
            }
            Path dir = resume.equals("latest") ? org.quaterion.train.Checkpoint.latest(output) : Path.of(resume);
            if (dir == null) {
                throw new IllegalArgumentException("--resume latest: no checkpoint under " + output.resolve(
                        "checkpoints") + "; start without --resume");
            }
            return dir;
        }
    }

    /** {@code quaterion info DIR}: what a servable or checkpoint is and how it was trained. */
    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Show what a servable or a checkpoint holds and how it was trained.")
    static final class Info implements Callable<Integer> {
        @Parameters(index = "0", description = "a servable directory or a checkpoint directory")
        Path dir;

        @Override
        public Integer call() {
            com.google.gson.Gson pretty = new com.google.gson.GsonBuilder().setPrettyPrinting()
                    .disableHtmlEscaping().create();
            com.google.gson.JsonObject training;
            if (Files.isRegularFile(dir.resolve("config.json"))) {
                com.google.gson.JsonObject config = org.quaterion.models.io.JsonFiles.read(dir.resolve("config.json"));
                if (!config.has("format") || !SimilarityModel.FORMAT.equals(config.get("format").getAsString())) {
                    throw new IllegalArgumentException(dir + " is not a saved similarity model");
                }
                System.out.println("servable " + dir + ": library " + config.get("library_version") + ", encoders "
                        + config.get("encoders") + ", head " + config.getAsJsonObject("head").get("type")
                        + ", embedding size " + config.get("embedding_size"));
                training = config.has("training") ? config.getAsJsonObject("training") : null;
            } else if (Files.isRegularFile(dir.resolve("state.json"))) {
                com.google.gson.JsonObject state = org.quaterion.models.io.JsonFiles.read(dir.resolve("state.json"));
                System.out.println("checkpoint " + dir + ": " + state.get("completed_epochs") + " epochs, "
                        + state.get("global_step") + " steps, best monitored value " + state.get("best")
                        + " (epoch " + state.get("best_epoch") + ")");
                training = state.has("training") ? state.getAsJsonObject("training") : null;
            } else {
                throw new IllegalArgumentException(dir + " is neither a servable (config.json) nor a checkpoint "
                        + "(state.json)");
            }
            System.out.println(training == null ? "no training record (saved before records were kept, or not "
                    + "by Quaterion.fit)" : "training: " + pretty.toJson(training));
            return 0;
        }
    }

    /** {@code quaterion evaluate --model DIR --data FILE --kind pairs|groups}. */
    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "Retrieval metrics of a model on JSONL pairs or groups.")
    static final class Evaluate implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "the servable directory")
        Path model;

        @Option(names = "--data", required = true, description = "JSONL pairs {obj_a, obj_b} or groups {obj, group}")
        Path data;

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
            requireFile(data, "data");
            Map<String, Double> out;
            if (kind.equals("pairs")) {
                List<SimilarityPairSample<String>> pairs = Datasets.pairsFromJsonl(data, e -> e.getAsString());
                try (SimilarityModel<String> m = load(model)) {
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
                try (SimilarityModel<String> m = load(model)) {
                    out = new Evaluator<>(metrics, new GroupSampler<String>(-1, 256, 0)).evaluate(groups, m);
                }
            }
            out.forEach((k, v) -> System.out.printf(Locale.ROOT, "%s\t%.4f%n", k, v));
            return 0;
        }
    }

    /** {@code quaterion encode --model DIR --input FILE --output FILE}. */
    @Command(name = "encode", mixinStandardHelpOptions = true,
            description = "Encode texts (one per line, or JSONL {text}) to JSONL vectors.")
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
            if (batchSize < 1) {
                throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
            }
            requireWritableDirectory(parentOf(output), "output");
            if (Files.isDirectory(output)) {
                throw new IllegalArgumentException("output " + output + " is a directory; give a file name");
            }
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
    @Command(name = "index", mixinStandardHelpOptions = true,
            description = "Build a Lucene HNSW index of texts with a model.")
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
            requireWritableDirectory(parentOf(index), "index parent");
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
    @Command(name = "search", mixinStandardHelpOptions = true, description = "Top-k texts of an index for each query.")
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
            if (k < 1) {
                throw new IllegalArgumentException("-k must be >= 1, got " + k);
            }
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
