package org.quaterion.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quaterion.cache.CacheConfig;
import org.quaterion.eval.AttachedMetric;
import org.quaterion.loss.ClassWeightLoss;
import org.quaterion.loss.CrossBatchMemory;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.miner.Miner;
import org.quaterion.models.Prompts;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.train.optim.Adam;
import org.quaterion.train.optim.GradientOptimizer;

/**
 * What a user subclasses to fine-tune: the hooks say which encoders, head, loss, optimizer, metrics and memory to
 * use (Quaterion's {@code TrainableModel}). The parts are built lazily — on the first {@link #model()} call or by
 * {@link Quaterion#fit}, which seeds libtorch first — so subclass fields set in the constructor are visible to the
 * hooks (Quaterion needs them set before {@code super().__init__()}).
 *
 * @param <T> record type
 */
public abstract class TrainableModel<T> implements AutoCloseable {

    private SimilarityModel<T> model;
    private SimilarityLoss loss;
    private Map<String, SimilarityLoss> datasetLosses;
    private Miner miner;
    private GradientOptimizer optimizer;
    private List<AttachedMetric> metrics;
    private XbmConfig xbm;
    private CacheConfig<T> cache;
    private volatile boolean stopRequested;
    private com.google.gson.JsonObject training;
    /** How many fits have started on this model. */
    private int fits;
    /** The output directory of the latest fit, or null. */
    private Path lastOutputDir;

    /**
     * Asks a running {@link Quaterion#fit} to stop: safe from any thread (a signal handler, a service's shutdown
     * path). Training ends after the current step and {@link FitResult#interrupted()} is true; the checkpoints of
     * completed epochs stay, so the run resumes from the latest one. A cache fill in progress is abandoned (nothing
     * partial is kept) with a {@link java.util.concurrent.CancellationException}.
     */
    public final void requestStop() {
        stopRequested = true;
    }

    /**
     * Whether {@link #requestStop()} was called (it stays set; a new model trains again).
     *
     * @return true after a stop request
     */
    public final boolean stopRequested() {
        return stopRequested;
    }

    /**
     * The encoders, by name (concatenated in name order).
     *
     * @return name → encoder, at least one
     */
    protected abstract Map<String, Encoder<T>> configureEncoders();

    /**
     * The head on top of the concatenated encoder outputs.
     *
     * @param inputSize the sum of the encoders' embedding sizes
     * @return the head, whose input size must be {@code inputSize}
     */
    protected abstract EncoderHead configureHead(int inputSize);

    /**
     * The loss: a {@code GroupLoss} for group loaders, a {@code PairwiseLoss} for pair loaders, a {@code ScoreLoss}
     * for a cross-encoder's {@link org.quaterion.dataset.ScoredPairDataLoader} (its model's output is each pair's
     * logits).
     *
     * @return the loss
     */
    protected abstract SimilarityLoss configureLoss();

    /**
     * The losses of named datasets of a {@link org.quaterion.dataset.MultiDatasetLoader}: a batch of a dataset named
     * here goes to its loss, a batch of any other dataset to {@link #configureLoss()}. The miner
     * ({@link #configureMiner()}) and the cross-batch memory ({@link #configureXbm()}) serve {@link #configureLoss()}
     * only. Each name must be a dataset of the training loader (checked when the fit starts). Default: none.
     *
     * @return dataset name → loss (a {@code GroupLoss} for a group dataset, a {@code PairwiseLoss} for pairs)
     */
    protected Map<String, SimilarityLoss> configureDatasetLosses() {
        return Map.of();
    }

    /**
     * The optimizer over the model's trainable parameters and the loss's own (ArcFace weights, proxies), which are
     * always included. Default: Adam, learning rate 1e-3.
     *
     * @return the optimizer
     */
    protected GradientOptimizer configureOptimizer() {
        return Adam.of(1e-3);
    }

    /**
     * A miner selecting the tuples a group loss sees (PML style), or null for all tuples. Default: none.
     *
     * @return the miner or null
     */
    protected Miner configureMiner() {
        return null;
    }

    /**
     * Metrics computed on each batch. Default: none.
     *
     * @return the metrics
     */
    protected List<AttachedMetric> configureMetrics() {
        return List.of();
    }

    /**
     * The frozen-encoder cache, or null for none (the default). With every encoder cached, training reads only the
     * cached embeddings and the batch records passed to {@link #processResults} are null.
     *
     * @return the cache config or null
     */
    protected CacheConfig<T> configureCaches() {
        return null;
    }

    /**
     * Cross-batch memory, or null for none (the default): the configured loss is wrapped in a {@link CrossBatchMemory}
     * with these settings (or return the wrapper from {@code configureLoss} directly).
     *
     * @return the config or null
     */
    protected XbmConfig configureXbm() {
        return null;
    }

    /**
     * Text prefixes per input role (sentence-transformers' prompts, e.g. e5's {@code Prompts.of("query: ",
     * "passage: ")}), or {@link Prompts#NONE} (the default). Training encodes every record with its role's prefix:
     * the first member of a pair is a query, the second and its explicit negatives are documents, and a group
     * sample takes the default role ({@link Prompts#withDefaultRole}, required with prefixes and a group loader).
     * The prefixed texts are what the frozen-encoder cache keys and fingerprints see, and the servable saved after
     * the fit carries the prompts, so {@code encodeQueries} / {@code encodeDocuments} apply the prefixes the model
     * trained with. Prefixes need {@code String} records.
     *
     * @return the prompts
     */
    protected Prompts configurePrompts() {
        return Prompts.NONE;
    }

    /**
     * The embeddings' data type: FLOAT32 (default) or FLOAT64.
     *
     * @return the type
     */
    protected DataType configureDataType() {
        return DataType.FLOAT32;
    }

    /**
     * Called at the end of every step with the batch's (detached) embeddings. Default: nothing.
     *
     * @param embeddings {@code (B, d)}
     * @param batch the loader's batch ({@code GroupBatch} or {@code PairBatch})
     * @param batchIndex the batch's index in its epoch
     * @param stage training or validation
     */
    protected void processResults(NDArray embeddings, org.quaterion.dataset.Batch<T> batch, int batchIndex,
            AttachedMetric.Stage stage) {}

    /** Builds every part on a device with libtorch seeded; a second call does nothing. */
    final synchronized void build(Device device, long seed) {
        if (model != null) {
            if (device != null && !model.device().equals(device)) {
                throw new IllegalArgumentException("the model was built on " + model.device() + " but training asks"
                        + " for " + device + "; build a new TrainableModel for another device");
            }
            return;
        }
        Engine.getInstance().setRandomSeed((int) seed);
        Map<String, Encoder<T>> encoders = configureEncoders();
        if (encoders == null || encoders.isEmpty()) {
            throw new IllegalArgumentException("configureEncoders returned no encoder; return at least one");
        }
        int inputSize = SimilarityModel.encodersOutputSize(encoders);
        EncoderHead head = configureHead(inputSize);
        if (head == null) {
            throw new IllegalArgumentException("configureHead returned null; return a head (EmptyHead for none)");
        }
        if (head.inputSize() != inputSize) {
            throw new IllegalArgumentException("configureHead returned a head with input size " + head.inputSize()
                    + " but the encoders output " + inputSize + "; build the head from the inputSize argument");
        }
        SimilarityLoss l = configureLoss();
        if (l == null) {
            throw new IllegalArgumentException("configureLoss returned null; return a GroupLoss or PairwiseLoss");
        }
        XbmConfig x = configureXbm();
        if (x != null && (!(l instanceof GroupLoss) || l instanceof ClassWeightLoss)) {
            throw new IllegalArgumentException("cross-batch memory needs a group loss that compares embeddings with "
                    + "each other; " + l.getClass().getSimpleName() + " cannot use a memory");
        }
        if (x != null) { // the memory wraps the loss, so its buffer is the loss's checkpointed state
            l = CrossBatchMemory.builder((GroupLoss) l).optWeight(x.weight()).optBufferSize(x.bufferSize())
                    .optStartIteration(x.startIteration()).build();
        }
        Miner mi = configureMiner();
        if (mi != null && !(l instanceof GroupLoss g && g.usesMinedTuples())) {
            throw new IllegalArgumentException("configureMiner returned a " + mi.getClass().getSimpleName() + " but "
                    + l.getClass().getSimpleName() + " would ignore its tuples: " + (l instanceof GroupLoss g
                    ? g.minedTuplesIgnoredBecause() : "miners select tuples of group batches, not pairs")
                    + "; remove the miner (configureMiner returns null) or use a loss that takes mined tuples");
        }
        Prompts prompts = configurePrompts();
        if (prompts == null) {
            throw new IllegalArgumentException("configurePrompts returned null; return Prompts.NONE for no prompts");
        }
        SimilarityModel.Builder<T> builder = SimilarityModel.<T>builder().setHead(head)
                .optDataType(configureDataType()).optPrompts(prompts);
        encoders.forEach(builder::addEncoder);
        if (device != null) {
            builder.optDevice(device);
        }
        Map<String, SimilarityLoss> perDataset = datasetLosses(configureDatasetLosses(), l);
        SimilarityModel<T> built = builder.build();
        l.initialize(built.manager(), configureDataType());
        perDataset.values().forEach(d -> d.initialize(built.manager(), configureDataType()));
        List<AttachedMetric> m = configureMetrics();
        this.miner = mi;
        this.optimizer = newOptimizer();
        this.metrics = m == null ? List.of() : List.copyOf(m);
        this.xbm = x;
        this.cache = configureCaches();
        this.loss = l;
        this.datasetLosses = perDataset;
        this.model = built;
    }

    /** The per-dataset losses by name (sorted, so parameters and states have a stable order); validated. */
    private static Map<String, SimilarityLoss> datasetLosses(Map<String, SimilarityLoss> configured,
            SimilarityLoss main) {
        if (configured == null) {
            throw new IllegalArgumentException("configureDatasetLosses returned null; return an empty map for none");
        }
        java.util.TreeMap<String, SimilarityLoss> out = new java.util.TreeMap<>();
        java.util.Set<SimilarityLoss> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        seen.add(main);
        configured.forEach((name, l) -> {
            if (name == null || l == null) {
                throw new IllegalArgumentException("configureDatasetLosses maps '" + name + "' to " + l + "; give "
                        + "every dataset name a loss");
            }
            if (!seen.add(l)) {
                throw new IllegalArgumentException("dataset '" + name + "' shares its loss instance with another "
                        + "dataset or configureLoss; give each its own instance (a loss may hold parameters and "
                        + "state)");
            }
            out.put(name, l);
        });
        return java.util.Collections.unmodifiableMap(out);
    }

    /**
     * The model (built on first use with seed 42 on the default device, unless {@code fit} built it).
     *
     * @return the model
     */
    public final SimilarityModel<T> model() {
        build(null, 42);
        return model;
    }

    /**
     * The loss.
     *
     * @return the configured loss
     */
    public final SimilarityLoss loss() {
        model();
        return loss;
    }

    /**
     * The losses of named datasets ({@link #configureDatasetLosses()}).
     *
     * @return dataset name → loss, sorted by name; empty for none
     */
    public final Map<String, SimilarityLoss> datasetLosses() {
        model();
        return datasetLosses;
    }

    /** The loss of a dataset's batches: its own, or {@link #loss()} for an unnamed dataset or a single loader. */
    final SimilarityLoss lossOf(String dataset) {
        SimilarityLoss own = dataset == null ? null : datasetLosses().get(dataset);
        return own != null ? own : loss();
    }

    /** Switches every loss between training and evaluation mode. */
    final void trainLosses(boolean training) {
        loss().train(training);
        datasetLosses().values().forEach(l -> l.train(training));
    }

    final Miner miner() {
        return miner;
    }

    final GradientOptimizer optimizer() {
        return optimizer;
    }

    private GradientOptimizer newOptimizer() {
        GradientOptimizer o = configureOptimizer();
        if (o == null) {
            throw new IllegalArgumentException("configureOptimizer returned null; return an optimizer (Adam.of(1e-3) "
                    + "is the default)");
        }
        return o;
    }

    /**
     * Starts a fit on the built model. A model fitted before keeps its current weights (the loss's included) and
     * gets a fresh optimizer from {@link #configureOptimizer()}, as each {@code trainer.fit} of PyTorch Lightning
     * calls {@code configure_optimizers} again.
     *
     * @param outputDir the fit's output directory, or null
     * @return the output directory of the previous fit (absolute), or null when there was none or it had none
     */
    final synchronized Path startFit(Path outputDir) {
        if (fits++ > 0) {
            GradientOptimizer previous = optimizer;
            GradientOptimizer fresh = newOptimizer();
            previous.reset(); // frees its moments; also makes a reused instance start afresh
            this.optimizer = fresh;
        }
        Path previous = lastOutputDir;
        lastOutputDir = outputDir == null ? null : outputDir.toAbsolutePath().normalize();
        return previous;
    }

    /**
     * How many fits started on this model before the current (or latest) one.
     *
     * @return 0 for a model's first fit
     */
    final synchronized int earlierFits() {
        return Math.max(0, fits - 1);
    }

    final List<AttachedMetric> metrics() {
        return metrics;
    }

    final XbmConfig xbm() {
        return xbm;
    }

    final CacheConfig<T> cacheConfig() {
        return cache;
    }

    /**
     * Every parameter the optimizer updates: the model's trainable ones ({@code head.…}, {@code <encoder>.…}), the
     * loss's ({@code loss.…}) and the per-dataset losses' ({@code losses.<dataset>.…}).
     *
     * @return name → parameter array
     */
    public final Map<String, NDArray> trainableParameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model().trainableParameters()) {
            out.put(p.getKey(), p.getValue().getArray());
        }
        for (Pair<String, Parameter> p : loss.parameters()) {
            out.put("loss." + p.getKey(), p.getValue().getArray());
        }
        datasetLosses.forEach((name, l) -> {
            for (Pair<String, Parameter> p : l.parameters()) {
                out.put("losses." + name + "." + p.getKey(), p.getValue().getArray());
            }
        });
        return out;
    }

    /**
     * Saves the servable model ({@link SimilarityModel#save}): what a service loads with
     * {@code SimilarityModel.load(dir, recordType)}.
     *
     * @param dir the directory (written atomically)
     * @throws IOException when writing fails
     */
    public void saveServable(Path dir) throws IOException {
        model().save(dir, training);
    }

    /**
     * How the model was last trained ({@code fit}'s provenance record: library version, loss, miner, optimizer,
     * trainer settings, seed, data sizes, times, epochs, best epoch), saved with the servable.
     *
     * @return a copy of the record, or null before the first fit
     */
    public final com.google.gson.JsonObject trainingRecord() {
        return training == null ? null : training.deepCopy();
    }

    final void recordTraining(com.google.gson.JsonObject record) {
        this.training = record;
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
    }
}
