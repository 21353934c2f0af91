package org.quaterion.models.encoders;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.ParameterList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns raw records of type {@code T} into a {@code (B, embeddingSize())} embedding.
 *
 * <p>The life cycle is: build, {@link #initialize} (done by {@code SimilarityModel}), then any number of
 * {@link #collate} + {@link #forward} calls, then {@link #close}. A frozen encoder ({@code trainable() == false})
 * never updates and always runs in inference mode (no dropout, fixed normalisation statistics), even when
 * {@code forward} is called with {@code training = true}; its output can therefore be cached.
 *
 * <p>Implementations must allow concurrent {@code collate}/{@code forward(…, false)} calls from many threads.
 *
 * @param <T> the record type
 */
public interface Encoder<T> extends AutoCloseable {

    /**
     * The registered type name under which {@link #save} is loaded back (see {@code ModelRegistry}).
     *
     * @return the type name, never null
     */
    String typeName();

    /**
     * Whether the encoder's parameters are optimised during training; false means frozen (and cacheable).
     *
     * @return true if trainable
     */
    boolean trainable();

    /**
     * The size of the embedding this encoder produces.
     *
     * @return the output dimension d
     */
    int embeddingSize();

    /**
     * Creates or moves the parameters onto {@code manager}'s device in {@code dataType}; idempotent.
     *
     * @param manager the manager that owns the parameters for the encoder's lifetime
     * @param dataType the floating-point type of the model (FLOAT32 or FLOAT64)
     */
    void initialize(NDManager manager, DataType dataType);

    /**
     * Converts raw records into the model input, created in {@code manager}.
     *
     * @param records the records, non-empty, no nulls
     * @param manager the manager (of the call) that owns the created arrays
     * @return the model input
     */
    NDList collate(List<T> records, NDManager manager);

    /**
     * Computes the embeddings of a collated batch.
     *
     * @param batch the output of {@link #collate}
     * @param training whether this is a training step (ignored, i.e. false, for a frozen encoder)
     * @return a {@code (B, embeddingSize())} array
     */
    NDArray forward(NDList batch, boolean training);

    /**
     * All parameters of the encoder (frozen ones included).
     *
     * @return the parameters, empty if none
     */
    ParameterList parameters();

    /**
     * Writes the encoder's state into an existing empty directory.
     *
     * @param dir the directory
     * @throws IOException when writing fails
     */
    void save(Path dir) throws IOException;

    /**
     * What, besides the files {@link #save} writes, changes this encoder's output, for the frozen-encoder cache's
     * fingerprint (a change refills the cache): typically the collator's {@link Collator#fingerprint()} and any
     * setting not saved with the weights. Custom encoders with such settings override it.
     *
     * @return a stable string; empty by default
     */
    default String fingerprint() {
        return "";
    }

    /**
     * Whether a record's inference output is the same bits whatever batch it is encoded in (each record runs on its
     * own). When every encoder of a model says so, the model also applies its head one row at a time at inference,
     * so that a record's embedding does not depend on the batch either. False by default.
     *
     * @return true when inference outputs do not depend on the batch
     */
    default boolean batchInvariant() {
        return false;
    }

    /**
     * The name of the sub-encoder (or route) each record is sent to, for heads that switch on it.
     *
     * @param records the records of the batch
     * @return one route per record, or null when the encoder does not route
     */
    default List<String> routes(List<T> records) {
        return null;
    }

    /** Releases the native resources the encoder owns. */
    @Override
    void close();
}
