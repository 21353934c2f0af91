package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.ParameterList;
import com.google.gson.JsonObject;
import java.util.function.UnaryOperator;
import org.quaterion.distance.Distance;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.settings.Configurable;
import org.quaterion.settings.Settings;

/**
 * The one loss pipeline shared by {@link GroupLoss} and {@link PairwiseLoss}, PML's: validated inputs, the
 * unreduced {@link LossTerms} of {@link #compute}, reduced as the loss's declared {@link Reduction} says (with its
 * {@link Reducer}, or already reduced as its reference defines). {@link #forward} is final: a loss only says what it
 * computes.
 *
 * <p>As in PML the base holds the {@link Distance} and the {@link Reducer}; a subclass passes what the user gave
 * (null for "the default") and states its defaults by overriding {@link #defaultDistance()},
 * {@link #defaultReducer()} and {@link #reduction()}.
 *
 * <p>A wrapper ({@link MatryoshkaLoss}, {@link RegularizedLoss}, {@link CrossBatchMemory}; see {@link LossWrapper}) is
 * a loss built around an inner one: its value combines the inner loss's {@link #forward} on (transformed)
 * inputs, so it is {@link Reduction#ALREADY_REDUCED}; its parameters, initialisation and train/evaluation mode are
 * the inner loss's.
 *
 * @param <I> the inputs: {@link LossInputs} (group) or {@link PairInputs} (pairs)
 */
public abstract sealed class BaseLoss<I extends BaseLoss.Inputs<I>> implements SimilarityLoss, Configurable
        permits GroupLoss, PairwiseLoss {

    /**
     * The validated inputs of one loss call.
     *
     * @param <I> the inputs type itself
     */
    public sealed interface Inputs<I extends Inputs<I>> permits LossInputs, PairInputs {

        /**
         * The batch's embeddings.
         *
         * @return {@code (rows, d)}
         */
        NDArray embeddings();

        /**
         * The loss when nothing can be learned: a 0 connected to the embeddings' graph.
         *
         * @return the scalar 0
         */
        NDArray zero();

        /**
         * The same inputs with every embedding array (the batch's and any references) transformed, e.g. cut to a
         * prefix; labels, pairs and tuples are kept.
         *
         * @param transform applied to each embedding array, {@code (rows, d)} to {@code (rows, d')}
         * @return the transformed inputs
         */
        I mapEmbeddings(UnaryOperator<NDArray> transform);
    }

    private final Settings settings;
    private final Distance distance;
    private final Reducer reducer;
    /** The wrapped loss of a wrapper; null for a loss that computes its own value. */
    final BaseLoss<I> inner;

    /**
     * Creates a loss with its distance and reducer.
     *
     * @param distance the distance, or null for {@link #defaultDistance()}
     * @param reducer the reducer, or null for {@link #defaultReducer()}
     * @throws IllegalArgumentException when a reducer is given to a loss of {@link Reduction#ALREADY_REDUCED}
     */
    BaseLoss(Distance distance, Reducer reducer) {
        this(null, distance, reducer);
    }

    /**
     * Creates a loss from its declared settings, with the distance and reducer they give.
     *
     * @param settings the settings, or null for a loss without a declaration
     * @param distance the distance, or null for {@link #defaultDistance()}
     * @param reducer the reducer, or null for {@link #defaultReducer()}
     */
    BaseLoss(Settings settings, Distance distance, Reducer reducer) {
        this.settings = settings;
        this.inner = null;
        this.distance = distance != null ? distance : defaultDistance();
        if (reduction() == Reduction.ALREADY_REDUCED) {
            if (reducer != null) {
                throw new IllegalArgumentException(getClass().getSimpleName() + " takes no reducer: it reduces as its "
                        + "reference does (reduction already_reduced); remove the reducer " + reducer.name());
            }
            this.reducer = null;
        } else {
            this.reducer = reducer != null ? reducer : requireDefault(defaultReducer(), getClass().getSimpleName());
        }
    }

    /** A subclass's default reducer, which a loss of reduction REDUCER must have. */
    private static Reducer requireDefault(Reducer reducer, String who) {
        if (reducer == null) {
            throw new IllegalStateException(who + " declares reduction REDUCER but defaultReducer() is null; return a "
                    + "reducer or declare Reduction.ALREADY_REDUCED");
        }
        return reducer;
    }

    /**
     * Creates a wrapper around a loss ({@link LossWrapper}): same distance, no reducer of its own.
     *
     * @param inner the wrapped loss, checked by {@link LossWrapper#check}
     */
    BaseLoss(BaseLoss<I> inner) {
        this.settings = null;
        this.inner = inner;
        this.distance = inner.distance();
        this.reducer = null;
    }

    /**
     * The distance used when none is given (PML's {@code get_default_distance}). Called from the constructor: it must
     * not read the subclass's fields.
     *
     * @return the distance, or null for a loss that compares embeddings with class weights
     */
    protected abstract Distance defaultDistance();

    /**
     * The reducer used when none is given (PML's {@code get_default_reducer}), for a loss of
     * {@link Reduction#REDUCER}. Called from the constructor: it must not read the subclass's fields.
     *
     * @return the mean, PML's default
     */
    protected Reducer defaultReducer() {
        return new MeanReducer();
    }

    /**
     * How this loss reduces, declared once per loss class. Called from the constructor: it must not read the
     * subclass's fields.
     *
     * @return {@link Reduction#REDUCER} by default; {@link Reduction#ALREADY_REDUCED} for a wrapper
     */
    public Reduction reduction() {
        return inner != null ? Reduction.ALREADY_REDUCED : Reduction.REDUCER;
    }

    /**
     * The distance between embeddings.
     *
     * @return the distance, or null for a loss that compares embeddings with class weights
     */
    public final Distance distance() {
        return distance;
    }

    /**
     * The reducer that turns the per-element losses into the scalar.
     *
     * @return the reducer, or null for a loss of {@link Reduction#ALREADY_REDUCED}
     */
    public final Reducer reducer() {
        return reducer;
    }

    /**
     * Computes the loss on validated inputs: {@link #compute}, then the declared reduction.
     *
     * @param inputs the inputs
     * @return the scalar loss
     * @throws IllegalArgumentException when the inputs carry something this loss cannot use (mined tuples,
     *     explicit negatives)
     */
    public final NDArray forward(I inputs) {
        check(inputs);
        return compute(inputs).reduce(reducer, inputs.zero(), name());
    }

    /**
     * The loss's name in messages and {@link #toString()}.
     *
     * @return the class name; a wrapper's kind
     */
    String name() {
        return getClass().getSimpleName();
    }

    /**
     * Refuses inputs this loss cannot use.
     *
     * @param inputs the inputs
     */
    abstract void check(I inputs);

    /**
     * The loss itself, on validated inputs, before reduction.
     *
     * @param in the inputs
     * @return per-element losses for {@link Reduction#REDUCER}, the reference's scalar for
     *     {@link Reduction#ALREADY_REDUCED}, or {@link LossTerms#none()}
     */
    protected abstract LossTerms compute(I in);

    /** {@inheritDoc} For a wrapper, the inner loss's. */
    @Override
    public ParameterList parameters() {
        return inner != null ? inner.parameters() : new ParameterList();
    }

    /** {@inheritDoc} For a wrapper, the inner loss's. */
    @Override
    public void initialize(NDManager manager, DataType dataType) {
        if (inner != null) {
            inner.initialize(manager, dataType);
        }
    }

    /** {@inheritDoc} A wrapper passes the mode to its inner loss. */
    @Override
    public void train(boolean training) {
        if (inner != null) {
            inner.train(training);
        }
    }

    @Override
    public String toString() {
        return name() + config();
    }

    /**
     * The settings: {@code distance} and {@code reducer} when the loss has them; subclasses add their own to it.
     *
     * @return a new object
     */
    /**
     * The declared settings this loss was made from.
     *
     * @return the settings, or null for a loss made from a distance and a reducer alone (a wrapper, a custom loss)
     */
    @Override
    public Settings settings() {
        return settings;
    }

    /**
     * The settings: the declared ones when the loss has a declaration, else {@code distance} and {@code reducer}
     * (a subclass without a declaration adds its own to it).
     *
     * @return a new object
     */
    @Override
    public JsonObject config() {
        if (settings != null) {
            return settings.toJson();
        }
        JsonObject json = new JsonObject();
        if (distance != null) {
            json.add("distance", distance.config());
        }
        if (reducer != null) {
            json.addProperty("reducer", reducer.name());
        }
        return json;
    }
}
