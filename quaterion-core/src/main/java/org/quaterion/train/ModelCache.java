package org.quaterion.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.CacheType;
import org.quaterion.cache.EncoderCache;
import org.quaterion.cache.KeyExtractor;
import org.quaterion.cache.RecordHash;
import org.quaterion.dataset.Batch;
import org.quaterion.dataset.GroupBatch;
import org.quaterion.dataset.PairBatch;
import org.quaterion.dataset.SimilarityDataLoader;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.models.Prompts;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frozen-encoder cache of one fit: caches filled (or loaded) before training from every row of the training and
 * validation datasets, then the model's forward pass reads cached encoder outputs and runs only the trainable
 * encoders and the head. When every encoder is cached and keys are dataset rows, batches are rebuilt from the labels
 * captured during the fill and the datasets are not read again.
 */
final class ModelCache<T> implements AutoCloseable {

    private static final int MAX_CONFLICTS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

    /** What a loader's rows are called in keys, and their labels (for batches that skip reading records). */
    private record Split(String name, long[] groups, double[] scores, long[] subgroups, String[][] negativeKeys,
            float[][] teacherEmbeddings, double[][] teacherMargins, SimilarityDataLoader.AugmentationSpec augmentation,
            int variants) {}

    private final SimilarityModel<T> model;
    private final CacheConfig<T> config;
    private final Map<String, EncoderCache> caches = new LinkedHashMap<>();
    private final Map<SimilarityDataLoader<?, ?>, Split> splits = new IdentityHashMap<>();
    /** Per loader, per encoder cached by dataset row: where each row's embedding sits in that encoder's cache. */
    private final Map<SimilarityDataLoader<?, ?>, Map<String, RowPositions>> positions = new IdentityHashMap<>();
    /** The class of the records read by the fill, or null when nothing was filled. */
    private String recordType;
    private final boolean skipRead;

    private ModelCache(SimilarityModel<T> model, CacheConfig<T> config, boolean skipRead) {
        this.model = model;
        this.config = config;
        this.skipRead = skipRead;
    }

    /** Fills or loads the caches; null when nothing is cached. */
    static <T> ModelCache<T> setup(SimilarityModel<T> model, CacheConfig<T> config, SimilarityDataLoader<?, ?> train,
            SimilarityDataLoader<?, ?> validation, java.util.function.BooleanSupplier stop) throws IOException {
        List<String> cached = new ArrayList<>();
        for (Map.Entry<String, Encoder<T>> e : model.encoders().entrySet()) {
            CacheType type = config.typeOf(e.getKey());
            if (e.getValue().trainable()) {
                if (config.mapping().containsKey(e.getKey()) && type != CacheType.NONE) {
                    throw new IllegalArgumentException("encoder '" + e.getKey() + "' is trainable and cannot be "
                            + "cached; remove it from the cache mapping");
                }
            } else if (type != CacheType.NONE) {
                cached.add(e.getKey());
            }
        }
        for (String key : config.keyExtractors().keySet()) {
            if (!model.encoders().containsKey(key)) {
                throw new IllegalArgumentException("key extractor for unknown encoder '" + key + "'; encoders are "
                        + model.encoders().keySet());
            }
        }
        for (String name : config.prebuilt().keySet()) {
            if (!cached.contains(name)) {
                throw new IllegalArgumentException("prebuilt cache for encoder '" + name + "', which is "
                        + (model.encoders().containsKey(name) ? "trainable or not cached" : "not in the model")
                        + "; cached encoders are " + cached);
            }
            if (!config.keyExtractors().containsKey(name)) {
                throw new IllegalArgumentException("the prebuilt cache of encoder '" + name + "' needs a key extractor"
                        + " returning the keys it was built with (CacheConfig.withKeyExtractors)");
            }
        }
        if (cached.isEmpty()) {
            return null;
        }
        if (train instanceof org.quaterion.dataset.ScoredPairDataLoader<?, ?>
                || validation instanceof org.quaterion.dataset.ScoredPairDataLoader<?, ?>) {
            throw new IllegalArgumentException("the frozen-encoder cache keeps one embedding per dataset row, but a "
                    + "ScoredPairDataLoader's rows are query lists of (query, document) pairs; turn the cache off "
                    + "(configureCaches returns null)");
        }
        checkAugmentation(config, train, validation);
        boolean skipRead = cached.size() == model.encoders().size() && config.keyExtractors().isEmpty();
        ModelCache<T> cache = new ModelCache<>(model, config, skipRead);
        try {
            cache.fill(cached, train, validation, stop);
        } catch (IOException | RuntimeException e) {
            cache.close();
            throw e;
        }
        return cache;
    }

    /** An augmenting loader is served only by cached augmented views of a group training loader. */
    private static void checkAugmentation(CacheConfig<?> config, SimilarityDataLoader<?, ?> train,
            SimilarityDataLoader<?, ?> validation) {
        if (validation != null && validation.augments()) {
            throw new IllegalArgumentException("the validation loader augments its records; with a frozen-encoder "
                    + "cache, validate on unaugmented records (a loader without withAugmentation)");
        }
        if (!train.augments()) {
            return;
        }
        SimilarityDataLoader.AugmentationSpec spec = train.augmentationSpec();
        if (spec == null || config.augmentedViews() == 0) {
            throw new IllegalArgumentException("the training loader augments its records, but the frozen-encoder cache "
                    + "encodes each dataset row once and would train on the unaugmented records; cache augmented "
                    + "views (CacheConfig.withAugmentedViews(k), group loaders), or turn the cache off "
                    + "(configureCaches returns null) or the augmentation off");
        }
        if (!config.keyExtractors().isEmpty()) {
            throw new IllegalArgumentException("cached augmented views are keyed by dataset row and variant; remove the "
                    + "key extractors");
        }
        if (config.augmentedViews() < spec.views()) {
            throw new IllegalArgumentException("the loader gives " + spec.views() + " views per record but the cache "
                    + "keeps " + config.augmentedViews() + " augmented variants; use withAugmentedViews(k) with k >= "
                    + spec.views());
        }
    }

    @SuppressWarnings("unchecked")
    private void fill(List<String> cached, SimilarityDataLoader<?, ?> train, SimilarityDataLoader<?, ?> validation,
            java.util.function.BooleanSupplier stop) throws IOException {
        // the records as training encodes them: with their roles' prompts, so keys and fingerprints see the prefixes
        BatchPrompts prompts = new BatchPrompts(model.prompts());
        Prompts.Role query = Prompts.Role.QUERY;
        Prompts.Role document = Prompts.Role.DOCUMENT;
        Map<String, Map<String, T>> unique = new LinkedHashMap<>();
        cached.forEach(name -> unique.put(name, new LinkedHashMap<>()));
        List<String> conflicts = new ArrayList<>();
        for (SimilarityDataLoader<?, ?> loader : validation == null ? List.of(train) : List.of(train, validation)) {
            String split = loader == train ? "train" : "val";
            SimilarityDataLoader.AugmentationSpec augmentation = loader.augmentationSpec();
            int variants = augmentation == null ? 0 : config.augmentedViews();
            org.quaterion.augment.Augmentation<T> transform = augmentation == null ? null
                    : (org.quaterion.augment.Augmentation<T>) augmentation.augmentation();
            List<?> data = loader.dataset();
            int n = data.size();
            long[] groups = null;
            double[] scores = null;
            long[] subgroups = null;
            String[][] negativeKeys = null;
            float[][] teacherEmbeddings = null;
            double[][] teacherMargins = null;
            for (int row = 0; row < n; row++) {
                Object sample = data.get(row);
                if (recordType == null) {
                    Object record = sample instanceof SimilarityGroupSample<?> g ? g.obj()
                            : ((SimilarityPairSample<?>) sample).objA();
                    recordType = record == null ? null : record.getClass().getName();
                }
                if (sample instanceof SimilarityGroupSample<?> g) {
                    groups = groups == null ? new long[n] : groups;
                    groups[row] = g.group();
                    for (int j = 0; j < variants; j++) {
                        // variant j is what an uncached loader gives in epoch j / views, view j % views
                        T variant = prompts.apply(prompts.groupRole(), transform.apply((T) g.obj(),
                                org.quaterion.augment.Augmentation.random(augmentation.seed(),
                                        j / augmentation.views(), row, j % augmentation.views())));
                        for (String name : cached) {
                            add(unique.get(name), name, variant, RowPositions.variantKey(split, row, j), conflicts);
                        }
                    }
                    for (String name : variants > 0 ? List.<String>of() : cached) {
                        add(unique.get(name), name, prompts.apply(prompts.groupRole(), (T) g.obj()),
                                RowPositions.rowKey(split, row), conflicts);
                    }
                } else {
                    SimilarityPairSample<?> p = (SimilarityPairSample<?>) sample;
                    scores = scores == null ? new double[n] : scores;
                    subgroups = subgroups == null ? new long[n] : subgroups;
                    negativeKeys = negativeKeys == null ? new String[n][] : negativeKeys;
                    teacherEmbeddings = teacherEmbeddings == null ? new float[n][] : teacherEmbeddings;
                    teacherMargins = teacherMargins == null ? new double[n][] : teacherMargins;
                    teacherEmbeddings[row] = p.teacherEmbedding();
                    teacherMargins[row] = p.teacherMargins();
                    scores[row] = p.score();
                    subgroups[row] = p.subgroup();
                    // explicit negatives are keyed by content: shared by every pair that has them, never stale
                    negativeKeys[row] = new String[p.negatives().size()];
                    List<T> negatives = new ArrayList<>(negativeKeys[row].length);
                    for (int j = 0; j < negativeKeys[row].length; j++) {
                        negatives.add(prompts.apply(document, (T) p.negatives().get(j)));
                        negativeKeys[row][j] = "neg:" + RecordHash.of(negatives.get(j));
                    }
                    T a = prompts.apply(query, (T) p.objA());
                    T b = prompts.apply(document, (T) p.objB());
                    for (String name : cached) {
                        add(unique.get(name), name, a, RowPositions.sideKey(split, row, 'a'), conflicts);
                        add(unique.get(name), name, b, RowPositions.sideKey(split, row, 'b'), conflicts);
                        for (int j = 0; j < negativeKeys[row].length; j++) {
                            add(unique.get(name), name, negatives.get(j), negativeKeys[row][j], conflicts);
                        }
                    }
                }
            }
            splits.put(loader, new Split(split, groups, scores, subgroups, negativeKeys, teacherEmbeddings,
                    teacherMargins, augmentation, variants));
        }
        if (!conflicts.isEmpty()) {
            throw new IllegalArgumentException("the key extractor gives one key to different records, which would "
                    + "share one cached embedding; make keys unique per record content (e.g. a content hash or id). "
                    + conflicts.size() + (conflicts.size() == MAX_CONFLICTS ? "+" : "") + " conflicts, e.g. "
                    + conflicts);
        }
        for (String name : cached) {
            Map<String, T> records = unique.get(name);
            long start = System.nanoTime();
            long[] lastLog = {start};
            EncoderCache cache = EncoderCache.build(name, model.encoders().get(name), new ArrayList<>(records.keySet()),
                    new ArrayList<>(records.values()), config, config.typeOf(name), model.manager(), (done, total) -> {
                        if (stop.getAsBoolean()) {
                            throw new java.util.concurrent.CancellationException("stop requested while filling the "
                                    + "cache of encoder '" + name + "' (" + done + "/" + total + " records); nothing "
                                    + "partial was kept");
                        }
                        long now = System.nanoTime();
                        if (now - lastLog[0] > 10_000_000_000L || done.equals(total)) {
                            lastLog[0] = now;
                            LOG.info("caching '{}': {}/{} records, {} records/s", name, done, total,
                                    String.format("%.0f", done / ((now - start) / 1e9)));
                        }
                    });
            caches.put(name, cache);
        }
        resolvePositions();
    }

    /** Resolves, once, where every row of every loader sits in the caches of the encoders keyed by dataset row. */
    private void resolvePositions() {
        for (Map.Entry<SimilarityDataLoader<?, ?>, Split> e : splits.entrySet()) {
            Split split = e.getValue();
            if (split.groups() == null && split.negativeKeys() == null) {
                continue; // an empty dataset: no rows, no batches
            }
            Map<String, RowPositions> byEncoder = new LinkedHashMap<>();
            for (Map.Entry<String, EncoderCache> c : caches.entrySet()) {
                if (config.keyExtractors().containsKey(c.getKey())) {
                    continue;
                }
                byEncoder.put(c.getKey(), split.groups() != null
                        ? RowPositions.ofGroups(c.getValue(), split.name(), split.groups().length,
                                split.augmentation(), split.variants())
                        : RowPositions.ofPairs(c.getValue(), split.name(), split.negativeKeys()));
            }
            positions.put(e.getKey(), byEncoder);
        }
    }

    /** Adds a record under its key; a key already taken by a different record is a conflict (never shared). */
    private void add(Map<String, T> unique, String encoder, T record, String rowKey, List<String> conflicts) {
        KeyExtractor<T> extractor = config.keyExtractors().get(encoder);
        if (extractor == null) {
            unique.put(rowKey, record);
            return;
        }
        String key = extractor.key(record);
        if (key == null) {
            throw new IllegalArgumentException("the key extractor of encoder '" + encoder + "' returned null for "
                    + "row " + rowKey + " (" + abbreviate(record) + "); every record needs a non-null key");
        }
        T existing = unique.putIfAbsent(key, record);
        if (existing != null && existing != record && !existing.equals(record) && conflicts.size() < MAX_CONFLICTS
                && !RecordHash.of(existing).equals(RecordHash.of(record))) {
            conflicts.add("encoder '" + encoder + "' key '" + key + "': " + abbreviate(existing) + " vs "
                    + abbreviate(record) + " (row " + rowKey + ")");
        }
    }

    private static String abbreviate(Object record) {
        String text = record instanceof float[] f ? java.util.Arrays.toString(f) : String.valueOf(record);
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    /** Whether batches are rebuilt from labels without reading records. */
    boolean skipsRecords() {
        return skipRead;
    }

    /** The batches of an epoch: label-only when records are not needed, else the loader's own. */
    Iterator<?> batches(SimilarityDataLoader<?, ?> loader, int epoch) {
        if (!skipRead) {
            return loader.epoch(epoch);
        }
        Split split = splits.get(loader);
        Iterator<int[]> rows = loader.batchRows(epoch).iterator();
        return new Iterator<Object>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Object next() {
                int[] r = rows.next();
                if (split.groups() != null) {
                    int views = split.augmentation() == null ? 1 : split.augmentation().views();
                    long[] g = new long[r.length * views];
                    int[] recordRows = new int[r.length * views];
                    for (int i = 0; i < g.length; i++) {
                        recordRows[i] = r[i / views];
                        g[i] = split.groups()[recordRows[i]];
                    }
                    return new GroupBatch<T>(null, g, recordRows);
                }
                int n = r.length;
                int k = 0;
                for (int row : r) {
                    k += split.negativeKeys()[row].length;
                }
                long[][] pairs = new long[n][];
                double[] labels = new double[n];
                long[] subgroups = new long[2 * n + k];
                long[][] negatives = new long[k][];
                List<float[]> teacherEmbeddings = new ArrayList<>(n);
                List<double[]> teacherMargins = new ArrayList<>(n);
                int[] negativeCounts = new int[n];
                for (int i = 0, j = 0; i < n; i++) {
                    teacherEmbeddings.add(split.teacherEmbeddings()[r[i]]);
                    teacherMargins.add(split.teacherMargins()[r[i]]);
                    negativeCounts[i] = split.negativeKeys()[r[i]].length;
                    pairs[i] = new long[] {i, i + n};
                    labels[i] = split.scores()[r[i]];
                    subgroups[i] = split.subgroups()[r[i]];
                    subgroups[i + n] = subgroups[i];
                    for (int m = 0; m < split.negativeKeys()[r[i]].length; m++, j++) {
                        negatives[j] = new long[] {i, 2L * n + j};
                        subgroups[2 * n + j] = subgroups[i];
                    }
                }
                return new PairBatch<T>(null, pairs, labels, subgroups, r, negatives,
                        PairBatch.teacherEmbeddings(teacherEmbeddings), PairBatch.teacherMargins(teacherMargins,
                                negativeCounts));
            }
        };
    }

    /** The class of the records the fill read, or null when the caches were reused without reading records. */
    String recordType() {
        return recordType;
    }

    /**
     * The model's forward pass with cached encoder outputs: an encoder cached by dataset row gathers its batch by
     * position from its cache (on the training device for AUTO and GPU), one keyed by a key extractor looks its
     * records' keys up.
     */
    NDArray forward(Batch<T> batch, SimilarityDataLoader<?, ?> loader, int epoch, NDManager manager,
            boolean training) {
        Map<String, RowPositions> rows = positions.get(loader);
        List<T> records = batch.records();
        NDList outputs = new NDList();
        for (Map.Entry<String, Encoder<T>> e : model.encoders().entrySet()) {
            EncoderCache cache = caches.get(e.getKey());
            if (cache == null) {
                outputs.add(e.getValue().forward(e.getValue().collate(records, manager), training));
                continue;
            }
            NDArray out;
            KeyExtractor<T> extractor = config.keyExtractors().get(e.getKey());
            if (extractor != null) {
                List<String> keys = new ArrayList<>(records.size());
                records.forEach(r -> keys.add(extractor.key(r)));
                out = cache.lookup(keys, manager);
            } else {
                out = cache.rows(rows.get(e.getKey()).of(batch, epoch), manager);
            }
            outputs.add(out.getDevice().equals(manager.getDevice()) ? out : out.toDevice(manager.getDevice(), false));
        }
        NDArray joined = outputs.size() == 1 ? outputs.head() : NDArrays.concat(outputs, 1);
        List<String> routes = records == null ? null : model.encoders().values().iterator().next().routes(records);
        return model.applyHead(joined, routes, training);
    }

    @Override
    public void close() {
        caches.values().forEach(EncoderCache::close);
        caches.clear();
    }
}
