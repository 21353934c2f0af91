package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.state.Stateful;

/**
 * The one base of loss wrappers ({@link MatryoshkaLoss}, {@link RegularizedLoss}, {@link CrossBatchMemory}): a wrapper
 * says once, for group and pair losses alike, how its value follows from the inner loss's {@code forward} on (possibly
 * transformed) inputs. {@link #around} makes it a loss of the inner loss's kind ({@link Group} or {@link Pairs}), so
 * a wrapped group loss is still a {@link GroupLoss} for the trainer; its value is
 * {@link Reduction#ALREADY_REDUCED} (the inner loss reduced) and its parameters, initialisation, train/evaluation
 * mode, mined tuples and explicit negatives are the inner loss's.
 */
interface LossWrapper {

    /**
     * The wrapper's name, for messages and {@code toString}.
     *
     * @return e.g. {@code "MatryoshkaLoss"}
     */
    String name();

    /**
     * The wrapper's value.
     *
     * @param in the validated inputs
     * @param inner the wrapped loss; call its {@code forward}
     * @param <I> the inputs' type
     * @return the scalar loss
     */
    <I extends BaseLoss.Inputs<I>> NDArray value(I in, BaseLoss<I> inner);

    /**
     * The wrapper's settings around the inner loss's.
     *
     * @param inner the inner loss's config
     * @return a new object
     */
    JsonObject config(JsonObject inner);

    /**
     * Wraps a group loss.
     *
     * @param inner the loss
     * @return the wrapped loss
     */
    default GroupLoss around(GroupLoss inner) {
        return new Group(inner, this);
    }

    /**
     * Wraps a pair loss.
     *
     * @param inner the loss
     * @return the wrapped loss
     */
    default PairwiseLoss around(PairwiseLoss inner) {
        return new Pairs(inner, this);
    }

    /**
     * Refuses what cannot be wrapped: null, and a loss that keeps state (its state would be hidden from the trainer's
     * checkpoints, so it must be the outermost wrapper).
     *
     * @param inner the loss to wrap
     * @param wrapper the wrapper
     * @param <L> the loss type
     * @return the loss
     */
    static <L extends BaseLoss<?>> L checkInner(L inner, LossWrapper wrapper) {
        if (inner == null) {
            throw new IllegalArgumentException(wrapper.name() + " needs a loss to wrap, got null");
        }
        if (inner instanceof Stateful) {
            throw new IllegalArgumentException(wrapper.name() + " cannot wrap " + inner.name() + ": its state would be "
                    + "hidden from checkpoints; make " + inner.name() + " the outermost wrapper instead");
        }
        return inner;
    }

    /** A wrapper around a group loss. */
    class Group extends GroupLoss {

        private final LossWrapper wrapper;

        Group(GroupLoss inner, LossWrapper wrapper) {
            super(LossWrapper.checkInner(inner, wrapper));
            this.wrapper = wrapper;
        }

        @Override
        protected final LossTerms compute(LossInputs in) {
            return LossTerms.alreadyReduced(wrapper.value(in, inner));
        }

        @Override
        final String name() {
            return wrapper.name();
        }

        @Override
        public final JsonObject config() {
            return wrapper.config(inner.config());
        }
    }

    /** A wrapper around a pair loss. */
    final class Pairs extends PairwiseLoss {

        private final LossWrapper wrapper;

        Pairs(PairwiseLoss inner, LossWrapper wrapper) {
            super(LossWrapper.checkInner(inner, wrapper));
            this.wrapper = wrapper;
        }

        @Override
        protected LossTerms compute(PairInputs in) {
            return LossTerms.alreadyReduced(wrapper.value(in, inner));
        }

        @Override
        String name() {
            return wrapper.name();
        }

        @Override
        public JsonObject config() {
            return wrapper.config(inner.config());
        }
    }
}
