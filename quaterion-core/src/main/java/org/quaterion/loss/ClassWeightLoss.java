package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import org.quaterion.distance.Distance;
import org.quaterion.miner.IndexTuples;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Base of the losses that own one {@code (numClasses · rowsPerClass, embeddingSize)} weight matrix (class weights,
 * proxies or centres; with one row per class row c belongs to class c, with k rows per class rows
 * {@code c·k … c·k + k − 1} do: SoftTriple's centres, SubCenterArcFace's sub-centres). The matrix is a trainable {@link Parameter} exposed by {@link #parameters()},
 * so the trainer optimises it without the user remembering to (a documented Quaterion/PML pitfall); it can be
 * set explicitly with {@link #setWeights}. Labels must lie in {@code [0, numClasses)}.
 *
 * <p>Mined tuples are honoured as in PML: they become per-sample weights ({@link #minerWeights}, PML's
 * {@code convert_to_weights}) that scale each sample's loss (ArcFace, CosFace, Softmax, Center) or enter the
 * exponents as {@code log}-offsets (ProxyAnchor).
 */
public abstract class ClassWeightLoss extends GroupLoss {

    /** Indices counted per one-hot block in {@link #minerWeights} (bounds its memory to this × batch size). */
    private static final long COUNT_CHUNK = 4096;

    /** The number of classes C (labels lie in [0, C)); required, the data decides it. */
    public static final Setting<Integer> NUM_CLASSES = Setting.integer("num_classes", null, v -> v >= 1,
            "num_classes >= 1", "the number of classes C (labels in [0, C))");
    /** The embedding size D; required, the model decides it. */
    public static final Setting<Integer> EMBEDDING_SIZE = Setting.integer("embedding_size", null, v -> v >= 1,
            "embedding_size >= 1", "the embedding size D");

    private final int numClasses;
    private final int embeddingSize;
    private final int rows;
    private final Parameter weights;

    /**
     * Creates the loss from its declared settings, which include {@link #NUM_CLASSES} and {@link #EMBEDDING_SIZE},
     * with one weight row per class.
     *
     * @param settings the validated settings
     * @param name the parameter name
     * @param initializer the initial distribution (Quaterion: N(0, 0.01²))
     */
    protected ClassWeightLoss(Settings settings, String name, Initializer initializer) {
        this(settings, name, initializer, 1);
    }

    /**
     * Creates the loss with {@code rowsPerClass} weight rows per class (centres, sub-centres).
     *
     * @param settings the validated settings
     * @param name the parameter name
     * @param initializer the initial distribution
     * @param rowsPerClass k, the rows of each class (rows {@code c·k … c·k + k − 1} belong to class c)
     */
    protected ClassWeightLoss(Settings settings, String name, Initializer initializer, int rowsPerClass) {
        super(settings);
        this.numClasses = settings.get(NUM_CLASSES);
        this.embeddingSize = settings.get(EMBEDDING_SIZE);
        this.rows = Math.multiplyExact(numClasses, rowsPerClass);
        this.weights = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(rows, embeddingSize)).optInitializer(initializer).build();
    }

    /**
     * Creates the loss with weights ~ N(0, 0.01²).
     *
     * @param settings the validated settings
     * @param name the parameter name
     */
    protected ClassWeightLoss(Settings settings, String name) {
        this(settings, name, new NormalInitializer(0.01f));
    }

    /**
     * The number of classes C.
     *
     * @return C
     */
    public int numClasses() {
        return numClasses;
    }

    /**
     * The embedding size D.
     *
     * @return D
     */
    public int embeddingSize() {
        return embeddingSize;
    }

    /**
     * The number of weight rows: C, or C·k for a loss with k centres per class.
     *
     * @return the rows of {@link #weights()}
     */
    public int weightRows() {
        return rows;
    }

    @Override
    public void initialize(NDManager manager, DataType dataType) {
        if (!weights.isInitialized()) {
            weights.initialize(manager, dataType);
        }
    }

    /**
     * Sets the weight matrix explicitly (initializing the parameter if needed).
     *
     * @param manager the owner of the parameter
     * @param values {@code [C][D]} values ({@code [C·k][D]} with k rows per class)
     * @param dataType the parameter type
     */
    public void setWeights(NDManager manager, double[][] values, DataType dataType) {
        if (values.length != rows || values[0].length != embeddingSize) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " weights must be " + rows + " x "
                    + embeddingSize + (rows == numClasses ? "" : " (" + numClasses + " classes x " + rows / numClasses
                    + " rows each)") + ", got " + values.length + " x " + values[0].length);
        }
        initialize(manager, dataType);
        double[] flat = new double[rows * embeddingSize];
        for (int c = 0; c < rows; c++) {
            System.arraycopy(values[c], 0, flat, c * embeddingSize, embeddingSize);
        }
        weights.getArray().set(manager.create(flat).toType(dataType, false).toByteBuffer());
    }

    /**
     * The weight parameter.
     *
     * @return the {@code (C, D)} (or {@code (C·k, D)}) parameter
     */
    public Parameter weights() {
        return weights;
    }

    @Override
    public ParameterList parameters() {
        ParameterList list = new ParameterList();
        list.add(weights.getName(), weights);
        return list;
    }

    @Override
    protected final LossTerms compute(LossInputs in) {
        if (!weights.isInitialized()) {
            initialize(in.embeddings().getManager(), in.embeddings().getDataType());
        }
        if (in.embeddings().getShape().get(1) != embeddingSize) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " expects embeddings of size "
                    + embeddingSize + ", got " + in.embeddings().getShape());
        }
        NDArray labels = in.labels();
        long min = labels.min().getLong();
        long max = labels.max().getLong();
        if (min < 0 || max >= numClasses) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": labels must be in [0, " + numClasses
                    + "), got range [" + min + ", " + max + "]; set numClasses to the number of classes");
        }
        NDArray w = weights.getArray();
        return computeWithWeights(in, w.getDataType() == in.embeddings().getDataType() ? w
                : w.toType(in.embeddings().getDataType(), false));
    }

    /**
     * The loss given validated inputs and the weight matrix. A loss with per-sample losses returns them through
     * {@link #perSample}, which applies the miner weights; one that reduces itself reads {@link #minerWeights}.
     *
     * @param in the inputs
     * @param weights {@code (C, D)}, or {@code (C·k, D)}
     * @return the per-sample losses, or the scalar of a loss of {@link Reduction#ALREADY_REDUCED}
     */
    protected abstract LossTerms computeWithWeights(LossInputs in, NDArray weights);

    /**
     * No distance: these losses compare embeddings with the weight rows (cosine, dot product or L2, by loss).
     *
     * @return null
     */
    @Override
    protected final Distance defaultDistance() {
        return null;
    }

    /**
     * Per-sample losses weighted by the miner, as PML's classification losses do ({@code losses × miner_weights},
     * reduced over all samples, so a sample no tuple mentions counts as 0).
     *
     * @param in the inputs
     * @param losses {@code (n)} unweighted per-sample losses
     * @return the terms for the reducer
     */
    protected static LossTerms perSample(LossInputs in, NDArray losses) {
        return LossTerms.of(in.tuples() == null ? losses : losses.mul(minerWeights(in, losses.getDataType())));
    }

    /**
     * PML's {@code convert_to_weights}: how often each sample occurs in the mined tuples, divided by the largest
     * count, so the most mined sample weighs 1 and a sample no tuple mentions weighs 0. Without tuples, or with
     * empty ones, every weight is 1. With reference embeddings (a memory) only the anchors index the batch, so only
     * they count, as in PML 2.x.
     *
     * @param in the inputs
     * @param dataType the type of the weights
     * @return {@code (n)} weights in [0, 1]
     */
    protected static NDArray minerWeights(LossInputs in, DataType dataType) {
        return minerWeights(in, dataType, !in.selfRef());
    }

    /**
     * {@link #minerWeights(LossInputs, DataType)} counting either every index of the tuples or only their anchors
     * (PML's {@code using_ref}: a loss whose references are its proxies, not the batch, counts the anchors only).
     *
     * @param in the inputs
     * @param dataType the type of the weights
     * @param anchorsOnly whether only the anchors count
     * @return {@code (n)} weights in [0, 1]
     */
    protected static NDArray minerWeights(LossInputs in, DataType dataType, boolean anchorsOnly) {
        long n = in.labels().size();
        NDManager manager = in.labels().getManager();
        if (in.tuples() == null) {
            return manager.ones(new Shape(n), dataType);
        }
        NDList indices = new NDList(); // the tuple's index arrays as given (a triplet counts its anchor once)
        if (in.tuples() instanceof IndexTuples.Triplets t) {
            indices.addAll(anchorsOnly ? new NDList(t.a()) : new NDList(t.a(), t.p(), t.n()));
        } else if (in.tuples() instanceof IndexTuples.Pairs p) {
            indices.addAll(anchorsOnly ? new NDList(p.a1(), p.a2()) : new NDList(p.a1(), p.p(), p.a2(), p.n()));
        }
        NDArray all = NDArrays.concat(indices);
        if (all.size() == 0) {
            return manager.ones(new Shape(n), dataType);
        }
        NDArray counts = manager.zeros(new Shape(n), DataType.FLOAT64);
        for (long start = 0; start < all.size(); start += COUNT_CHUNK) {
            NDArray chunk = all.get(new NDIndex().addSliceDim(start, Math.min(all.size(), start + COUNT_CHUNK)));
            counts = counts.add(chunk.oneHot((int) n).toType(DataType.FLOAT64, false).sum(new int[] {0}));
        }
        return counts.div(counts.max()).toType(dataType, false);
    }

    /**
     * The one-hot target matrix of the labels.
     *
     * @param in the loss inputs
     * @param like an array of the wanted data type
     * @return {@code (n, C)} with 1 at each row's label
     */
    protected final NDArray targets(LossInputs in, NDArray like) {
        return in.labels().oneHot(numClasses).toType(like.getDataType(), false);
    }

    /**
     * Cosine similarities between the embeddings and the weight rows.
     *
     * @param embeddings {@code (n, D)}
     * @param weights {@code (C, D)}
     * @return {@code (n, C)} cosines
     */
    protected static NDArray cosines(NDArray embeddings, NDArray weights) {
        return embeddings.normalize(2, 1, 1e-12).matMul(weights.normalize(2, 1, 1e-12).transpose());
    }

    /**
     * Base of the class-weight loss builders: the number of classes and the embedding size are required.
     *
     * @param <L> the loss
     * @param <B> the concrete builder
     */
    public abstract static class Builder<L extends ClassWeightLoss, B extends Builder<L, B>> extends LossBuilder<L, B> {

        /**
         * Creates a builder without sizes.
         *
         * @param spec the loss's declaration
         */
        protected Builder(ComponentSpec<L> spec) {
            super(spec);
        }

        /**
         * Sets {@link #NUM_CLASSES}; required.
         *
         * @param numClasses C
         * @return this builder
         */
        public final B setNumClasses(int numClasses) {
            return set(NUM_CLASSES, numClasses);
        }

        /**
         * Sets {@link #EMBEDDING_SIZE}; required.
         *
         * @param embeddingSize D
         * @return this builder
         */
        public final B setEmbeddingSize(int embeddingSize) {
            return set(EMBEDDING_SIZE, embeddingSize);
        }
    }
}
