package org.quaterion.rerank.pairwise;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.gson.JsonObject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.quaterion.eval.PairScoreMetrics;
import org.quaterion.internal.LossMath;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.models.io.Checksums;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.models.io.ModelFormatException;
import org.quaterion.models.rerank.PairScorer;
import org.quaterion.search.KnnResult;
import org.quaterion.train.optim.Adam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OML's pairwise re-ranker ({@code ConcatSiamese} + {@code PairwiseReranker}) over feature vectors of any modality:
 * a pair {@code (a, b)} is combined ({@link PairFeatures}: {@code [a, b]}, {@code |a − b|}, {@code a ⊙ b}), passed
 * through an MLP (sigmoid hidden layers with dropout, a last linear layer without bias) to one logit, and scored as
 * {@code σ(logit)}, the probability that both are of the same class. Trained with binary cross-entropy on the first
 * stage's hard pairs ({@link HardPairs#mine}); {@link #rerank} re-orders each query's top-n as OML does.
 *
 * <p>OML's model outputs a distance (the probability of a <em>negative</em> pair); here {@link #score} returns the
 * probability of a positive pair (higher is more relevant, as {@link PairScorer} requires) and {@link #rerank} uses
 * {@code 1 − score} as OML's distance. Scoring methods are synchronized; close the re-ranker to free its tensors.
 */
public final class PairwiseReranker implements PairScorer<float[], float[]> {

    /** The kind in the saved directory's marker. */
    public static final String KIND = "pairwise-reranker";

    static final int FORMAT = 1;
    static final String CONFIG = "pairwise.json";
    static final String PARAMETERS = "mlp.params";
    private static final Logger LOG = LoggerFactory.getLogger(PairwiseReranker.class);
    private static final int CHUNK = 8192;

    private final PairwiseConfig config;
    private final NDManager manager;
    private final SequentialBlock block;
    private final ParameterStore store;
    private final double[] epochLosses;
    private boolean closed;

    private PairwiseReranker(PairwiseConfig config, double[] epochLosses) {
        this.config = config;
        this.epochLosses = epochLosses;
        this.manager = NDManager.newBaseManager();
        this.block = mlp(config);
        Engine.getInstance().setRandomSeed((int) config.seed());
        block.initialize(manager, DataType.FLOAT32, new Shape(1, config.inputWidth()));
        this.store = new ParameterStore(manager, false);
    }

    /** Hidden layers (linear, sigmoid, dropout), then one linear output without bias, as OML's head. */
    private static SequentialBlock mlp(PairwiseConfig c) {
        SequentialBlock block = new SequentialBlock();
        for (int h : c.hidden()) {
            block.add(Linear.builder().setUnits(h).build()).add(Activation.sigmoidBlock());
            if (c.dropout() > 0) {
                block.add(Dropout.builder().optRate((float) c.dropout()).build());
            }
        }
        return block.add(Linear.builder().setUnits(1).optBias(false).build());
    }

    /**
     * Trains a re-ranker with binary cross-entropy on labelled pairs of feature rows (Adam, shuffled batches).
     *
     * @param config the architecture and training settings
     * @param features {@code (n, config.dim())} feature vectors (embeddings, or any features of the items)
     * @param pairs the training pairs, e.g. {@link HardPairs#mine} on the training classes
     * @return the trained re-ranker
     * @throws IllegalArgumentException when the features' width is not {@code config.dim()}, a pair names a missing
     *     row, or there are no pairs
     * @throws IllegalStateException when the loss becomes NaN or infinite (lower the learning rate)
     */
    public static PairwiseReranker train(PairwiseConfig config, NDArray features, HardPairs pairs) {
        checkFeatures(config, features, "features");
        if (pairs.size() == 0) {
            throw new IllegalArgumentException("no training pairs: mine them with HardPairs.mine");
        }
        pairs.checkRows(features.getShape().get(0));
        double[] losses = new double[config.epochs()];
        PairwiseReranker r = new PairwiseReranker(config, losses);
        try {
            r.fit(features, pairs);
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private void fit(NDArray features, HardPairs pairs) {
        Map<String, NDArray> parameters = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            parameters.put(p.getKey(), p.getValue().getArray());
        }
        Adam adam = Adam.of(config.learningRate());
        Random random = new Random(config.seed());
        int m = pairs.size();
        int[] order = new int[m];
        Arrays.setAll(order, i -> i);
        try {
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                for (int i = m - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                double sum = 0;
                for (int start = 0; start < m; start += config.batchSize()) {
                    int b = Math.min(config.batchSize(), m - start);
                    sum += step(features, pairs, Arrays.copyOfRange(order, start, start + b), parameters, adam) * b;
                }
                epochLosses[epoch] = sum / m;
                LOG.info("pairwise re-ranker epoch {}: mean BCE {}", epoch + 1, epochLosses[epoch]);
            }
        } finally {
            adam.reset();
        }
    }

    /** One Adam step on a batch of pairs; returns its mean loss. */
    private double step(NDArray features, HardPairs pairs, int[] batch, Map<String, NDArray> parameters, Adam adam) {
        long[] left = new long[batch.length];
        long[] right = new long[batch.length];
        float[] target = new float[batch.length];
        for (int i = 0; i < batch.length; i++) {
            left[i] = pairs.left()[batch[i]];
            right[i] = pairs.right()[batch[i]];
            target[i] = pairs.target()[batch[i]];
        }
        double value;
        try (NDScope scope = new NDScope()) {
            NDArray y = manager.create(target);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = logits(features.get(manager.create(left)), features.get(manager.create(right)),
                        true);
                // binary cross-entropy with logits: softplus(x) − y·x
                NDArray loss = LossMath.softplusExact(logits).sub(logits.mul(y)).mean();
                value = loss.getFloat();
                if (!Double.isFinite(value)) {
                    throw new IllegalStateException("the pairwise re-ranker's loss is " + value
                            + ": lower the learning rate (now " + config.learningRate() + ")");
                }
                collector.backward(loss);
            }
            adam.step(parameters, config.learningRate());
            for (NDArray p : parameters.values()) {
                NDArray g = p.getGradient();
                g.subi(g);
            }
        }
        return value;
    }

    /** The MLP's logits {@code (n)} for row pairs of {@code a} and {@code b}. */
    private NDArray logits(NDArray a, NDArray b, boolean training) {
        NDArray x = PairFeatures.combine(config.features(), a, b).toType(DataType.FLOAT32, false);
        return block.forward(store, new NDList(x), training).head().reshape(-1);
    }

    /**
     * The probability that each pair is of one class, {@code σ(logit)}.
     *
     * @param leftFeatures the rows of the pairs' first items
     * @param left the first item's row of each pair
     * @param rightFeatures the rows of the pairs' second items
     * @param right the second item's row of each pair
     * @return one probability per pair
     */
    synchronized float[] probabilities(NDArray leftFeatures, long[] left, NDArray rightFeatures, long[] right) {
        checkOpen();
        float[] out = new float[left.length];
        for (int start = 0; start < left.length; start += CHUNK) {
            int end = Math.min(left.length, start + CHUNK);
            try (NDScope scope = new NDScope()) {
                NDArray a = leftFeatures.get(manager.create(Arrays.copyOfRange(left, start, end)));
                NDArray b = rightFeatures.get(manager.create(Arrays.copyOfRange(right, start, end)));
                float[] p = Activation.sigmoid(logits(a, b, false)).toFloatArray();
                System.arraycopy(p, 0, out, start, p.length);
            }
        }
        return out;
    }

    /**
     * Scores candidates against a query: the probability that each is of the query's class.
     *
     * @param query the query's feature vector ({@code config().dim()} values)
     * @param candidates the candidates' feature vectors
     * @return one probability per candidate, higher is more relevant
     * @throws IllegalArgumentException when the query or a candidate is null or not {@code config().dim()} long
     * @throws IllegalStateException when the re-ranker is closed
     */
    @Override
    public float[] score(float[] query, List<float[]> candidates) {
        if (query == null || candidates == null) {
            throw new IllegalArgumentException("give a query and a list of candidates, not null");
        }
        checkLength(query, "the query");
        if (candidates.isEmpty()) {
            return new float[0];
        }
        float[] flat = new float[candidates.size() * config.dim()];
        for (int i = 0; i < candidates.size(); i++) {
            checkLength(candidates.get(i), "candidate " + i);
            System.arraycopy(candidates.get(i), 0, flat, i * config.dim(), config.dim());
        }
        long[] zeros = new long[candidates.size()];
        long[] rows = new long[candidates.size()];
        Arrays.setAll(rows, i -> i);
        synchronized (this) {
            checkOpen();
            try (NDManager scratch = manager.newSubManager()) {
                NDArray q = scratch.create(query, new Shape(1, config.dim()));
                NDArray c = scratch.create(flat, new Shape(candidates.size(), config.dim()));
                return probabilities(q, zeros, c, rows);
            }
        }
    }

    /**
     * The fraction of pairs classified right at probability 0.5 (held-out pair accuracy).
     *
     * @param features the feature rows the pairs index
     * @param pairs labelled pairs
     * @return the accuracy in {@code [0, 1]}
     */
    public double accuracy(NDArray features, HardPairs pairs) {
        float[] p = pairProbabilities(features, pairs);
        int right = 0;
        for (int i = 0; i < p.length; i++) {
            right += (p[i] >= 0.5f) == (pairs.target()[i] == 1) ? 1 : 0;
        }
        return right / (double) p.length;
    }

    /**
     * Threshold-free metrics of the re-ranker's scores on labelled pairs: ROC-AUC (0.5 for a random scorer, however
     * unbalanced the pairs), the best accuracy and F1 over thresholds.
     *
     * @param features the feature rows the pairs index
     * @param pairs labelled pairs
     * @return the metrics
     */
    public PairScoreMetrics evaluate(NDArray features, HardPairs pairs) {
        float[] p = pairProbabilities(features, pairs);
        double[] scores = new double[p.length];
        double[] targets = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            scores[i] = p[i];
            targets[i] = pairs.target()[i];
        }
        return PairScoreMetrics.of(scores, targets);
    }

    private float[] pairProbabilities(NDArray features, HardPairs pairs) {
        checkFeatures(config, features, "features");
        pairs.checkRows(features.getShape().get(0));
        if (pairs.size() == 0) {
            throw new IllegalArgumentException("no pairs to measure on");
        }
        long[] left = Arrays.stream(pairs.left()).asLongStream().toArray();
        long[] right = Arrays.stream(pairs.right()).asLongStream().toArray();
        return probabilities(features, left, features, right);
    }

    /**
     * Re-ranks each query's first {@code topN} results as OML's {@code PairwiseReranker}: those items get the
     * distance {@code 1 − score} and are sorted by it; the items after them keep their order and distances; the
     * re-scored distances are scaled below the first kept one when needed, so the list stays sorted (see OML's
     * {@code cat_two_sorted_tensors_and_keep_it_sorted}).
     *
     * @param first the first stage's result (indices into the gallery rows)
     * @param queryFeatures {@code (m, dim)}, one row per query of {@code first}
     * @param galleryFeatures {@code (n, dim)}
     * @param topN how many leading items of each query to re-score, at least 2 (as OML)
     * @return the re-ranked result, same shape; each query's list is a permutation of its first-stage list
     */
    public KnnResult rerank(KnnResult first, NDArray queryFeatures, NDArray galleryFeatures, int topN) {
        if (topN < 2) {
            throw new IllegalArgumentException("re-rank the top 2 or more items of each query (as OML); got " + topN);
        }
        checkFeatures(config, queryFeatures, "query features");
        checkFeatures(config, galleryFeatures, "gallery features");
        if (queryFeatures.getShape().get(0) != first.queries()) {
            throw new IllegalArgumentException("one query feature row per query: " + first.queries() + " queries, "
                    + queryFeatures.getShape().get(0) + " rows");
        }
        int total = 0;
        int[] counts = new int[first.queries()];
        for (int q = 0; q < counts.length; q++) {
            counts[q] = TopNMerge.valid(first.indices()[q], topN);
            total += counts[q];
        }
        long[] left = new long[total];
        long[] right = new long[total];
        for (int q = 0, p = 0; q < counts.length; q++) {
            for (int r = 0; r < counts[q]; r++, p++) {
                left[p] = q;
                right[p] = first.indices()[q][r];
                if (right[p] >= galleryFeatures.getShape().get(0)) {
                    throw new IllegalArgumentException("query " + q + " has gallery index " + right[p]
                            + ", beyond the " + galleryFeatures.getShape().get(0) + " gallery feature rows");
                }
            }
        }
        float[] scores = probabilities(queryFeatures, left, galleryFeatures, right);
        KnnResult out = TopNMerge.like(first);
        for (int q = 0, p = 0; q < counts.length; q++) {
            double[] fresh = new double[counts[q]];
            for (int r = 0; r < counts[q]; r++, p++) {
                fresh[r] = 1 - scores[p];
            }
            TopNMerge.merge(first.indices()[q], first.distances()[q], fresh, out.indices()[q], out.distances()[q]);
        }
        return out;
    }

    /**
     * The settings this re-ranker was built with.
     *
     * @return the settings
     */
    public PairwiseConfig config() {
        return config;
    }

    /**
     * The mean training loss of each epoch (empty for a loaded re-ranker).
     *
     * @return a copy of the losses
     */
    public double[] epochLosses() {
        return epochLosses.clone();
    }

    /**
     * Saves the re-ranker atomically: {@value #CONFIG} (format, settings, the parameters' SHA-256) and
     * {@value #PARAMETERS}; the directory appears complete or not at all, and only an empty directory or a saved
     * re-ranker is replaced.
     *
     * @param dir the directory
     * @throws IOException when writing fails; an existing re-ranker there is left as it was
     */
    public synchronized void save(Path dir) throws IOException {
        checkOpen();
        AtomicDirectory.write(dir, KIND, tmp -> {
            Path params = tmp.resolve(PARAMETERS);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(params));
                    DataOutputStream data = new DataOutputStream(out)) {
                block.saveParameters(data);
            }
            JsonObject json = new JsonObject();
            json.addProperty("format", FORMAT);
            json.add("config", config.toJson());
            json.addProperty("parameters_sha256", Checksums.sha256(params));
            JsonFiles.write(tmp.resolve(CONFIG), json);
        });
    }

    /**
     * Loads a re-ranker {@link #save} wrote.
     *
     * @param dir the directory
     * @return the re-ranker
     * @throws ModelFormatException when the directory is not a saved re-ranker, of another format, or damaged (the
     *     message names the file)
     * @throws IOException when reading fails
     */
    public static PairwiseReranker load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException(dir, "is not a directory: give the directory PairwiseReranker.save wrote");
        }
        String kind = AtomicDirectory.kindOf(dir);
        if (!KIND.equals(kind)) {
            throw new ModelFormatException(dir, (kind == null ? "was not written by PairwiseReranker.save"
                    : "holds a Quaterion '" + kind + "', not a '" + KIND + "'") + ": give the directory it wrote");
        }
        Path configFile = dir.resolve(CONFIG);
        JsonObject json = JsonFiles.read(configFile);
        PairwiseConfig config;
        String sha;
        try {
            int format = json.get("format").getAsInt();
            if (format != FORMAT) {
                throw new ModelFormatException(configFile, "has format " + format + "; this version reads format "
                        + FORMAT);
            }
            config = PairwiseConfig.fromJson(json.getAsJsonObject("config"));
            sha = json.get("parameters_sha256").getAsString();
        } catch (ModelFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CorruptArtifactException(configFile, "is malformed: " + e.getMessage(), e);
        }
        Path params = dir.resolve(PARAMETERS);
        if (!Files.isRegularFile(params) || !Checksums.sha256(params).equals(sha)) {
            throw new CorruptArtifactException(params, "is missing or corrupt (checksum mismatch): save the "
                    + "re-ranker again");
        }
        PairwiseReranker r = new PairwiseReranker(config, new double[0]);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(params));
                DataInputStream data = new DataInputStream(in)) {
            r.block.loadParameters(r.manager, data);
        } catch (MalformedModelException | RuntimeException e) {
            r.close();
            throw new CorruptArtifactException(params, "does not fit the configured MLP: " + e.getMessage(), e);
        }
        return r;
    }

    /** Frees the re-ranker's tensors; scoring afterwards throws. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the pairwise re-ranker is closed");
        }
    }

    private void checkLength(float[] v, String what) {
        if (v == null) {
            throw new IllegalArgumentException(what + " is null; give a vector of " + config.dim() + " values");
        }
        if (v.length != config.dim()) {
            throw new IllegalArgumentException(what + " has " + v.length + " values; the re-ranker takes "
                    + config.dim());
        }
    }

    private static void checkFeatures(PairwiseConfig config, NDArray features, String what) {
        Shape s = features.getShape();
        if (s.dimension() != 2 || s.get(1) != config.dim()) {
            throw new IllegalArgumentException(what + " must be (n, " + config.dim() + "); got " + s);
        }
    }
}
