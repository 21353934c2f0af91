package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The ring buffer of a cross-batch memory: detached embeddings and their groups, on the training device. A batch
 * larger than the buffer keeps its last {@code size} rows. Not thread-safe (one trainer). Owned by
 * {@link CrossBatchMemory}.
 */
final class XbmBuffer implements AutoCloseable {

    private final NDManager manager;
    private final NDArray embeddings;
    private final NDArray groups;
    private final int size;
    private int pointer;
    private boolean full;

    /**
     * Creates an empty buffer.
     *
     * @param parent the manager (device) to allocate under
     * @param size rows kept
     * @param dim embedding size
     * @param dataType embedding type
     */
    XbmBuffer(NDManager parent, int size, int dim, DataType dataType) {
        this.manager = parent.newSubManager();
        this.embeddings = manager.zeros(new Shape(size, dim), dataType);
        this.groups = manager.zeros(new Shape(size), DataType.INT64);
        // the buffer is created during a training step: it outlives that step's scope
        NDScope.unregister(embeddings, groups);
        this.size = size;
    }

    /**
     * Adds a batch (detached), overwriting the oldest rows.
     *
     * @param batch {@code (b, dim)}
     * @param batchGroups {@code (b)}
     */
    void queue(NDArray batch, NDArray batchGroups) {
        long b = batch.getShape().get(0);
        long start = Math.max(0, b - size);
        for (long i = start; i < b;) {
            long n = Math.min(b - i, size - pointer);
            embeddings.set(new NDIndex(pointer + ":" + (pointer + n)), batch.get(i + ":" + (i + n)).stopGradient());
            groups.set(new NDIndex(pointer + ":" + (pointer + n)),
                    batchGroups.get(i + ":" + (i + n)).toType(DataType.INT64, false));
            pointer += (int) n;
            i += n;
            if (pointer == size) {
                pointer = 0;
                full = true;
            }
        }
    }

    /**
     * The filled rows (copies), or null while empty.
     *
     * @param target the manager of the copies
     * @return {@code [embeddings, groups]}, or null
     */
    NDArray[] get(NDManager target) {
        int filled = full ? size : pointer;
        if (filled == 0) {
            return null;
        }
        NDArray e = embeddings.get("0:" + filled).duplicate();
        NDArray g = groups.get("0:" + filled).duplicate();
        e.attach(target);
        g.attach(target);
        return new NDArray[] {e, g};
    }

    /**
     * Rows filled so far (at most the size).
     *
     * @return the count
     */
    int filled() {
        return full ? size : pointer;
    }

    int pointer() {
        return pointer;
    }

    NDArray embeddingsArray() {
        return embeddings;
    }

    NDArray groupsArray() {
        return groups;
    }

    void restore(NDArray savedEmbeddings, NDArray savedGroups, int savedPointer, boolean savedFull) {
        if (!savedEmbeddings.getShape().equals(embeddings.getShape())) {
            throw new IllegalArgumentException("the saved cross-batch memory is " + savedEmbeddings.getShape()
                    + " but this CrossBatchMemory's is " + embeddings.getShape() + "; resume with the same bufferSize "
                    + "and embedding size");
        }
        embeddings.set(new NDIndex(":"), savedEmbeddings.toType(embeddings.getDataType(), false));
        groups.set(new NDIndex(":"), savedGroups.toType(DataType.INT64, false));
        pointer = savedPointer;
        full = savedFull;
    }

    boolean isFull() {
        return full;
    }

    @Override
    public void close() {
        manager.close();
    }
}
