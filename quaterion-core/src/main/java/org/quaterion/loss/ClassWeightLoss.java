package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import org.quaterion.distance.Distance;
import org.quaterion.reducer.Reducer;

/**
 * Base of the losses that own one {@code (numClasses, embeddingSize)} weight matrix (class weights, proxies or
 * centres; row c belongs to class c). The matrix is a trainable {@link Parameter} exposed by {@link #parameters()},
 * so the trainer optimises it without the user remembering to (a documented Quaterion/PML pitfall); it can be
 * set explicitly with {@link #setWeights}. Labels must lie in {@code [0, numClasses)}.
 */
public abstract class ClassWeightLoss extends GroupLoss {

    private final int numClasses;
    private final int embeddingSize;
    private final Parameter weights;

    /**
     * Creates the loss.
     *
     * @param numClasses C, at least 1
     * @param embeddingSize D, at least 1
     * @param name the parameter name
     * @param initializer the initial distribution (Quaterion: N(0, 0.01²))
     * @param reducer the reducer of the per-sample losses, or null for {@link #defaultReducer()}
     */
    protected ClassWeightLoss(int numClasses, int embeddingSize, String name, Initializer initializer,
            Reducer reducer) {
        super(null, reducer);
        if (numClasses < 1 || embeddingSize < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs numClasses >= 1 and "
                    + "embeddingSize >= 1, got " + numClasses + " and " + embeddingSize);
        }
        this.numClasses = numClasses;
        this.embeddingSize = embeddingSize;
        this.weights = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(numClasses, embeddingSize)).optInitializer(initializer).build();
    }

    /**
     * Creates the loss with weights ~ N(0, 0.01²).
     *
     * @param numClasses C
     * @param embeddingSize D
     * @param name the parameter name
     * @param reducer the reducer of the per-sample losses, or null for {@link #defaultReducer()}
     */
    protected ClassWeightLoss(int numClasses, int embeddingSize, String name, Reducer reducer) {
        this(numClasses, embeddingSize, name, new NormalInitializer(0.01f), reducer);
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
     * @param values {@code [C][D]} values
     * @param dataType the parameter type
     */
    public void setWeights(NDManager manager, double[][] values, DataType dataType) {
        if (values.length != numClasses || values[0].length != embeddingSize) {
            throw new IllegalArgumentException("weights must be " + numClasses + " x " + embeddingSize + ", got "
                    + values.length + " x " + values[0].length);
        }
        initialize(manager, dataType);
        double[] flat = new double[numClasses * embeddingSize];
        for (int c = 0; c < numClasses; c++) {
            System.arraycopy(values[c], 0, flat, c * embeddingSize, embeddingSize);
        }
        weights.getArray().set(manager.create(flat).toType(dataType, false).toByteBuffer());
    }

    /**
     * The weight parameter.
     *
     * @return the {@code (C, D)} parameter
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
    public final boolean usesMinedTuples() {
        return false; // PML turns mined pairs into per-sample weights for these losses; not implemented here yet
    }

    @Override
    public final String minedTuplesIgnoredBecause() {
        return "it compares embeddings with class weights, not with each other (PML's miner weights are not "
                + "implemented)";
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
     * The loss given validated inputs and the weight matrix.
     *
     * @param in the inputs
     * @param weights {@code (C, D)}
     * @return the per-sample losses, or the reduced scalar for a loss without a reducer
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
     * The config with the sizes (and the reducer, when the loss has one); subclasses add their settings.
     *
     * @return a new object to extend
     */
    @Override
    public com.google.gson.JsonObject config() {
        com.google.gson.JsonObject json = super.config();
        json.addProperty("num_classes", numClasses);
        json.addProperty("embedding_size", embeddingSize);
        return json;
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
}
