package org.quaterion.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.Map;

/**
 * What {@link Adam} and {@link Sgd} share: the base learning rate, state tensors per parameter owned by one
 * sub-manager of the parameters' manager (created on the first step, closed by {@link #reset}), and each parameter's
 * update run in an {@link NDScope}, so that its temporaries are freed as soon as it is done.
 */
abstract class PerParameterOptimizer implements GradientOptimizer {

    private final double learningRate;
    private NDManager owner;

    PerParameterOptimizer(double learningRate) {
        this.learningRate = learningRate;
    }

    @Override
    public final double learningRate() {
        return learningRate;
    }

    @Override
    public final void step(Map<String, NDArray> parameters, double lr) {
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray w = e.getValue();
            if (owner == null) {
                owner = w.getManager().newSubManager();
            }
            try (NDScope scope = new NDScope()) {
                update(e.getKey(), w, w.getGradient(), lr);
            }
        }
    }

    /**
     * Updates one parameter in place, inside a scope that frees the temporaries; state made here goes through
     * {@link #keep}.
     *
     * @param name the parameter's name, the key of its state
     * @param w the parameter
     * @param g its gradient
     * @param lr this step's learning rate
     */
    abstract void update(String name, NDArray w, NDArray g, double lr);

    /**
     * Makes a tensor created in {@link #update}'s scope part of the state: out of the scope, owned by the state's
     * manager.
     *
     * @param array the new state tensor
     * @return the same tensor
     */
    final NDArray keep(NDArray array) {
        NDScope.unregister(array);
        array.attach(owner);
        return array;
    }

    /**
     * A copy of a state tensor owned by {@code manager}.
     *
     * @param array the tensor
     * @param manager the copy's owner
     * @return the copy
     */
    static NDArray copy(NDArray array, NDManager manager) {
        NDArray c = array.duplicate();
        c.attach(manager);
        return c;
    }

    @Override
    public final void reset() {
        clearState();
        if (owner != null) {
            owner.close();
            owner = null;
        }
    }

    @Override
    public final void restore(Map<String, NDArray> state, NDManager stateManager) {
        clearState();
        owner = stateManager;
        for (Map.Entry<String, NDArray> e : state.entrySet()) {
            restoreEntry(e.getKey(), e.getValue(), stateManager);
        }
    }

    /** Forgets every parameter's state. */
    abstract void clearState();

    /**
     * Takes one entry of a checkpoint's optimizer state back, copying a tensor with {@link #copy} into
     * {@code owner}.
     *
     * @param key the entry's key, as {@link #state} wrote it
     * @param value the entry
     * @param owner the manager that owns the restored state
     * @throws IllegalArgumentException when the key is not one of this optimizer's
     */
    abstract void restoreEntry(String key, NDArray value, NDManager owner);
}
