package org.quaterion.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.RecordHash;
import org.quaterion.cache.spi.CacheShard;
import org.quaterion.cache.spi.DataFingerprint;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.Encoder;

/**
 * Encodes one partition into one shard ({@code part-NNNNN}, N = the partition id): rows (key, record) in batches
 * through the frozen encoder, written to attempt-specific temporary names and moved into place atomically, so a
 * retried or duplicated attempt leaves exactly one complete shard. Returns one JSON line: the shard, the partition's
 * data fingerprint, and its failed records.
 */
final class ShardTask implements MapPartitionsFunction<Row, String> {

    private static final long serialVersionUID = 1L;

    /** The steps of an attempt after which a failure must still leave exactly one complete shard. */
    enum Step {
        /** The temporary files are written, not yet moved. */
        BEFORE_MOVE,
        /** The shard is moved into place, not yet reported. */
        AFTER_MOVE
    }

    /**
     * Told when an attempt reaches a {@link Step}; it is serialized with the task, so it runs on the executor. The
     * job passes {@link #NONE}; a test passes one that throws, to fail an attempt where a retry must repair it.
     */
    @FunctionalInterface
    interface Steps extends java.io.Serializable {
        /** Does nothing. */
        Steps NONE = (partition, attempt, step) -> { };

        /**
         * An attempt reached a step.
         *
         * @param partition the partition
         * @param attempt the attempt number
         * @param step the step
         */
        void reached(int partition, int attempt, Step step);
    }

    private final String modelDir;
    private final String encoder;
    private final String staging;
    private final boolean vectors;
    private final int batchSize;
    private final CacheConfig.Precision precision;
    private final Steps steps;

    ShardTask(String modelDir, String encoder, String staging, boolean vectors, int batchSize,
            CacheConfig.Precision precision, Steps steps) {
        this.modelDir = modelDir;
        this.encoder = encoder;
        this.staging = staging;
        this.vectors = vectors;
        this.batchSize = batchSize;
        this.precision = precision;
        this.steps = steps;
    }

    @Override
    public Iterator<String> call(Iterator<Row> rows) throws Exception {
        TaskContext context = TaskContext.get();
        int partition = context == null ? 0 : context.partitionId();
        int attempt = context == null ? 0 : context.attemptNumber();
        String name = String.format("part-%05d", partition);
        Path dir = Path.of(staging);
        Path tmpData = dir.resolve(name + ".attempt-" + attempt + CacheShard.DATA + ".tmp");
        Path tmpKeys = dir.resolve(name + ".attempt-" + attempt + CacheShard.KEYS + ".tmp");
        Files.deleteIfExists(tmpData);
        Files.deleteIfExists(tmpKeys);
        JsonArray failures = new JsonArray();
        DataFingerprint fingerprint = new DataFingerprint();
        SimilarityModel<Object> model = ExecutorModels.borrow(modelDir);
        CacheShard.Info info;
        try {
            Encoder<Object> enc = model.encoders().get(encoder);
            try (CacheShard.Writer writer = new CacheShard.Writer(tmpData, tmpKeys, enc.embeddingSize(),
                    precision.dataType());
                    NDManager manager = NDManager.newBaseManager(model.device())) {
                Batch batch = new Batch();
                long position = 0;
                while (rows.hasNext()) {
                    Row row = rows.next();
                    String key = row.isNullAt(0) ? null : row.getString(0);
                    String where = key != null ? key : "<null key, partition " + partition + " row " + position + ">";
                    position++;
                    try {
                        CacheShard.checkKey(key);
                        if (row.isNullAt(1)) {
                            throw new IllegalArgumentException("the record is null");
                        }
                        batch.add(key, vectors ? toFloats(row.getList(1)) : row.getString(1));
                    } catch (RuntimeException e) {
                        failures.add(failure(where, e));
                        continue;
                    }
                    if (batch.size() == batchSize) {
                        encode(batch, enc, manager, writer, fingerprint, failures);
                    }
                }
                encode(batch, enc, manager, writer, fingerprint, failures);
                info = writer.finish(name);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmpData);
            Files.deleteIfExists(tmpKeys);
            throw e;
        } finally {
            ExecutorModels.release(modelDir, model);
        }
        steps.reached(partition, attempt, Step.BEFORE_MOVE);
        // keys first: a shard counts only once the manifest lists it, and both names are final before the report
        Files.move(tmpKeys, dir.resolve(name + CacheShard.KEYS), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmpData, dir.resolve(name + CacheShard.DATA), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        steps.reached(partition, attempt, Step.AFTER_MOVE);
        JsonObject out = new JsonObject();
        out.addProperty("partition", partition);
        out.add("shard", info.toJson());
        out.addProperty("fingerprint", fingerprint.hex());
        out.add("failures", failures);
        return List.of(out.toString()).iterator();
    }

    private static JsonObject failure(String key, Throwable e) {
        JsonObject o = new JsonObject();
        o.addProperty("key", key);
        o.addProperty("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        return o;
    }

    private static float[] toFloats(List<Object> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = values.get(i);
            if (!(v instanceof Number n)) {
                throw new IllegalArgumentException("vector element " + i + " is " + v + ", not a number");
            }
            out[i] = n.floatValue();
            if (!Float.isFinite(out[i])) {
                throw new IllegalArgumentException("vector element " + i + " is " + v + ", not a finite float");
            }
        }
        return out;
    }

    /** Pending rows of one forward pass. */
    private static final class Batch {
        final List<String> keys = new ArrayList<>();
        final List<Object> records = new ArrayList<>();

        void add(String key, Object record) {
            keys.add(key);
            records.add(record);
        }

        int size() {
            return keys.size();
        }

        void clear() {
            keys.clear();
            records.clear();
        }
    }

    /**
     * Encodes and writes a batch. When the batch fails, its records are retried one by one so that only the bad ones
     * are left out; rows with a non-finite value are left out too.
     */
    private static void encode(Batch batch, Encoder<Object> enc, NDManager manager, CacheShard.Writer writer,
            DataFingerprint fingerprint, JsonArray failures) throws IOException {
        if (batch.size() == 0) {
            return;
        }
        try {
            write(batch.keys, batch.records, enc, manager, writer, fingerprint, failures);
        } catch (RuntimeException batchError) {
            if (batch.size() == 1) {
                failures.add(failure(batch.keys.get(0), batchError));
            } else {
                for (int i = 0; i < batch.size(); i++) {
                    try {
                        write(batch.keys.subList(i, i + 1), batch.records.subList(i, i + 1), enc, manager, writer,
                                fingerprint, failures);
                    } catch (RuntimeException e) {
                        failures.add(failure(batch.keys.get(i), e));
                    }
                }
            }
        }
        batch.clear();
    }

    private static void write(List<String> keys, List<Object> records, Encoder<Object> enc, NDManager manager,
            CacheShard.Writer writer, DataFingerprint fingerprint, JsonArray failures) throws IOException {
        try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
            NDArray out = enc.forward(enc.collate(records, step), false);
            long[] bad = out.isNaN().logicalOr(out.isInfinite()).toType(DataType.INT32, false).sum(new int[] {1})
                    .toType(DataType.INT64, false).toLongArray();
            List<String> goodKeys = new ArrayList<>(keys.size());
            List<String> hashes = new ArrayList<>(keys.size());
            List<Long> goodRows = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                if (bad[i] > 0) {
                    failures.add(failure(keys.get(i), new ArithmeticException("the encoder produced NaN or "
                            + "infinite values")));
                } else {
                    goodKeys.add(keys.get(i));
                    hashes.add(RecordHash.of(records.get(i)));
                    goodRows.add((long) i);
                }
            }
            if (goodKeys.isEmpty()) {
                return;
            }
            NDArray kept = goodRows.size() == keys.size() ? out
                    : out.get(step.create(goodRows.stream().mapToLong(Long::longValue).toArray()));
            writer.append(goodKeys, hashes, kept);
            for (int i = 0; i < goodKeys.size(); i++) {
                fingerprint.add(goodKeys.get(i), hashes.get(i));
            }
        }
    }
}
