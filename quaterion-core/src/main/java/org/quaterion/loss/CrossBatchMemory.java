package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.state.ComponentState;
import org.quaterion.state.Stateful;

/**
 * Cross-batch memory (Wang et al., arXiv 1912.06798; PML's {@code CrossBatchMemory}, Quaterion's XBM) around a group
 * loss: in training mode, once {@code startIteration} training steps have passed and the memory holds embeddings,
 * the value is {@code inner(batch) + weight · inner(batch against the memory)}; then the batch's detached embeddings
 * and groups are queued into the memory, a ring buffer of the last {@code bufferSize} rows. In evaluation mode
 * ({@link #train train(false)}) the value is the inner loss alone and nothing is queued or counted.
 *
 * <p>The memory lives on the manager given to {@link #initialize} (the trainer's model manager) and is allocated at
 * the first training step, sized by the embeddings. It is {@link Stateful}: the memory, its write position, whether
 * it wrapped around and the training-step counter are saved in checkpoints, so a resumed run continues exactly. It
 * must therefore be the outermost wrapper ({@code CrossBatchMemory.builder(MatryoshkaLoss.of(...))}, not the
 * reverse). The inner loss must compare embeddings with each other (not a {@link ClassWeightLoss}).
 */
public final class CrossBatchMemory extends LossWrapper.Group implements Stateful {

    private final Memory memory;

    private CrossBatchMemory(GroupLoss inner, Memory memory) {
        super(inner, memory);
        this.memory = memory;
    }

    /**
     * A builder around a group loss, with Quaterion's defaults: weight 1, 10,000 embeddings, start after 1,000 steps.
     *
     * @param inner the loss applied to the batch and to the batch against the memory
     * @return a new builder
     */
    public static Builder builder(GroupLoss inner) {
        return new Builder(inner);
    }

    /**
     * The weight of the memory term.
     *
     * @return the weight, positive
     */
    public double weight() {
        return memory.weight;
    }

    /**
     * The memory size.
     *
     * @return the number of embeddings kept
     */
    public int bufferSize() {
        return memory.size;
    }

    /**
     * The training steps before the memory term starts.
     *
     * @return the count, at least 0
     */
    public long startIteration() {
        return memory.start;
    }

    /**
     * The training steps taken so far (forward calls in training mode).
     *
     * @return the count
     */
    public long steps() {
        return memory.steps;
    }

    /**
     * Embeddings currently in the memory.
     *
     * @return at most {@link #bufferSize()}
     */
    public int filled() {
        return memory.buffer == null ? 0 : memory.buffer.filled();
    }

    /** {@inheritDoc} Also remembers the manager on which the memory will live. */
    @Override
    public void initialize(NDManager manager, DataType dataType) {
        if (memory.parent == null) {
            memory.parent = manager;
        }
        super.initialize(manager, dataType);
    }

    /** {@inheritDoc} In evaluation mode the memory is neither used nor updated. */
    @Override
    public void train(boolean training) {
        memory.training = training;
        super.train(training);
    }

    @Override
    public ComponentState saveState(NDManager manager) {
        JsonObject values = new JsonObject();
        values.addProperty("steps", memory.steps);
        values.addProperty("buffer_size", memory.size);
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        if (memory.buffer != null) {
            values.addProperty("pointer", memory.buffer.pointer());
            values.addProperty("full", memory.buffer.isFull());
            arrays.put("embeddings", copy(memory.buffer.embeddingsArray(), manager));
            arrays.put("groups", copy(memory.buffer.groupsArray(), manager));
        }
        return new ComponentState(values, arrays);
    }

    private static NDArray copy(NDArray live, NDManager manager) {
        NDArray c = live.duplicate();
        c.attach(manager);
        return c;
    }

    @Override
    public void loadState(ComponentState state) {
        JsonObject values = state.values();
        if (!values.has("steps") || !values.has("buffer_size")) {
            throw new IllegalArgumentException("the saved state is not a CrossBatchMemory's (no steps or buffer_size): "
                    + values);
        }
        int savedSize = values.get("buffer_size").getAsInt();
        if (savedSize != memory.size) {
            throw new IllegalArgumentException("the saved cross-batch memory holds " + savedSize + " embeddings but "
                    + "this CrossBatchMemory's bufferSize is " + memory.size + "; resume with the same bufferSize");
        }
        NDArray e = state.arrays().get("embeddings");
        NDArray g = state.arrays().get("groups");
        if ((e == null) != (g == null) || (e != null && (!values.has("pointer") || !values.has("full")))) {
            throw new IllegalArgumentException("the saved cross-batch memory is incomplete: it needs embeddings, "
                    + "groups, pointer and full together; got arrays " + state.arrays().keySet() + ", values " + values);
        }
        if (e != null) {
            memory.allocate(e.getShape().get(1), e.getDataType()).restore(e, g, values.get("pointer").getAsInt(),
                    values.get("full").getAsBoolean());
        }
        memory.steps = values.get("steps").getAsLong();
    }

    /** The memory and its counters: the wrapper's value. */
    private static final class Memory implements LossWrapper {

        private final double weight;
        private final int size;
        private final long start;
        private NDManager parent;
        private XbmBuffer buffer;
        private long steps;
        private boolean training = true;

        Memory(double weight, int size, long start) {
            this.weight = weight;
            this.size = size;
            this.start = start;
        }

        @Override
        public String name() {
            return "CrossBatchMemory";
        }

        @Override
        public <I extends BaseLoss.Inputs<I>> NDArray value(I in, BaseLoss<I> inner) {
            NDArray value = inner.forward(in);
            if (!training) {
                return value;
            }
            LossInputs batch = (LossInputs) in; // a CrossBatchMemory wraps group losses only
            NDArray e = batch.embeddings();
            XbmBuffer memory = allocate(e.getShape().get(1), e.getDataType());
            if (steps >= start) {
                NDArray[] kept = memory.get(e.getManager());
                if (kept != null) {
                    NDArray against = ((GroupLoss) inner).forward(LossInputs.of(e, batch.labels(), null, kept[0], kept[1],
                            name()));
                    value = value.add(Scalars.mul(against, weight));
                }
            }
            memory.queue(e.stopGradient(), batch.labels());
            steps++;
            return value;
        }

        /** The buffer, allocated on first use; its size must match the embeddings'. */
        XbmBuffer allocate(long dim, DataType dataType) {
            if (buffer == null) {
                if (parent == null) {
                    throw new IllegalStateException("CrossBatchMemory keeps its memory on the manager given to "
                            + "initialize(manager, dataType); call it before training (TrainableModel does)");
                }
                buffer = new XbmBuffer(parent, size, (int) dim, dataType);
            } else if (buffer.embeddingsArray().getShape().get(1) != dim) {
                throw new IllegalArgumentException("CrossBatchMemory holds embeddings of size "
                        + buffer.embeddingsArray().getShape().get(1) + " but the batch has " + dim);
            }
            return buffer;
        }

        @Override
        public JsonObject config(JsonObject inner) {
            JsonObject json = new JsonObject();
            json.addProperty("weight", weight);
            json.addProperty("buffer_size", size);
            json.addProperty("start_iteration", start);
            json.add("inner", inner);
            return json;
        }
    }

    /** Builds a {@link CrossBatchMemory}: each setting by name, Quaterion's defaults for the rest. */
    public static final class Builder {
        private final GroupLoss inner;
        private double weight = 1;
        private int bufferSize = 10_000;
        private long startIteration = 1_000;

        private Builder(GroupLoss inner) {
            this.inner = inner;
        }

        /**
         * Sets the weight of the memory term, positive (default 1).
         *
         * @param weight the value
         * @return this builder
         */
        public Builder optWeight(double weight) {
            this.weight = weight;
            return this;
        }

        /**
         * Sets the number of embeddings kept, at least 1 (default 10,000).
         *
         * @param bufferSize the value
         * @return this builder
         */
        public Builder optBufferSize(int bufferSize) {
            this.bufferSize = bufferSize;
            return this;
        }

        /**
         * Sets the training steps before the memory term starts, at least 0 (default 1,000).
         *
         * @param startIteration the value
         * @return this builder
         */
        public Builder optStartIteration(long startIteration) {
            this.startIteration = startIteration;
            return this;
        }

        /**
         * Builds the wrapper.
         *
         * @return the loss
         * @throws IllegalArgumentException when a setting is out of range, or the inner loss cannot use a memory
         */
        public CrossBatchMemory build() {
            if (!(weight > 0) || Double.isInfinite(weight) || bufferSize < 1 || startIteration < 0) {
                throw new IllegalArgumentException("CrossBatchMemory needs weight > 0 (finite), bufferSize >= 1 and "
                        + "startIteration >= 0; got " + weight + ", " + bufferSize + ", " + startIteration);
            }
            if (inner instanceof ClassWeightLoss) {
                throw new IllegalArgumentException("cross-batch memory needs a group loss that compares embeddings "
                        + "with each other; " + inner.name() + " compares them with class weights and cannot use a "
                        + "memory");
            }
            return new CrossBatchMemory(inner, new Memory(weight, bufferSize, startIteration));
        }
    }
}
