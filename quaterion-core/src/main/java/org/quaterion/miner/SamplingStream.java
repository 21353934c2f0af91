package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.quaterion.settings.Setting;
import org.quaterion.state.ComponentState;

/**
 * The random numbers of a sampling miner. Call {@code c} of a miner seeded {@code s} draws from its own generator,
 * seeded by a hash of {@code (s, c)}: the same seed and the same sequence of calls give the same tuples on every
 * device, independently of libtorch's generator. The call count is the whole state, so a checkpoint that saves it
 * lets a resumed run draw what the uninterrupted run would have drawn.
 */
final class SamplingStream {

    /** The seed setting every sampling miner declares. */
    static final Setting<Integer> SEED = Setting.integer("seed", 0, v -> true, "a whole number",
            "seed of the miner's own random stream (the same seed and calls give the same tuples)");

    private static final String CALLS = "calls";

    private final long seed;
    private final AtomicLong calls = new AtomicLong();

    SamplingStream(long seed) {
        this.seed = seed;
    }

    /** The generator of the next call. */
    SplittableRandom next() {
        long c = calls.getAndIncrement();
        return new SplittableRandom(mix(mix(seed) + c));
    }

    /**
     * {@code count} uniform draws in [0, 1) as a FLOAT64 vector.
     *
     * @param random the call's generator
     * @param manager the owner of the result (its device)
     * @param count how many
     * @return the draws
     */
    static NDArray uniform(SplittableRandom random, NDManager manager, long count) {
        return manager.create(random.doubles(count).toArray());
    }

    ComponentState save() {
        JsonObject values = new JsonObject();
        values.addProperty(CALLS, calls.get());
        return ComponentState.of(values);
    }

    void load(ComponentState state, String owner) {
        JsonObject values = state.values();
        if (!values.has(CALLS)) {
            throw new IllegalArgumentException("the saved state is not a " + owner + "'s (no " + CALLS + "): "
                    + values);
        }
        calls.set(values.get(CALLS).getAsLong());
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser: spreads nearby seeds and call counts apart. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
