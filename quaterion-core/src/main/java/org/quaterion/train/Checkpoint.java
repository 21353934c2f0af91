package org.quaterion.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.models.io.Checksums;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.state.ComponentState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A training checkpoint directory, written atomically (temporary sibling, then rename): {@code state.json} (epoch,
 * step, seed, the monitored best, the learning-rate factor, history, each stateful component's values, SHA-256 of
 * every array file), {@code parameters.ndlist} (model and loss parameters by name), {@code optimizer.ndlist} and one
 * {@code component-<n>.ndlist} per component with arrays. Reading verifies the checksums, so a truncated or corrupt
 * checkpoint is reported instead of resumed from. The checkpoint names no feature: callbacks and stateful losses
 * keep what they need in their {@link ComponentState}.
 *
 * @param completedEpochs epochs finished
 * @param globalStep training steps finished
 * @param seed the run's seed
 * @param best the best monitored value so far (NaN when none)
 * @param badEpochs epochs since the last improvement
 * @param bestEpoch completed epochs at the best monitored value (0 when none): the checkpoint {@code epoch-<bestEpoch>}
 *     holds the best weights and is never pruned
 * @param learningRateFactor the factor set by callbacks on top of the schedule (1 when none)
 * @param history per-epoch values so far
 * @param parameters name → parameter values
 * @param optimizer name → optimizer state
 * @param training how the run was set up (provenance, see {@code TrainingRecord}), or null
 * @param components component name → its state (callbacks by {@link Callback#name()}, the loss as {@code loss})
 */
public record Checkpoint(int completedEpochs, long globalStep, long seed, double best, int badEpochs, int bestEpoch,
        double learningRateFactor, List<Map<String, Double>> history, Map<String, NDArray> parameters,
        Map<String, NDArray> optimizer, JsonObject training, Map<String, ComponentState> components) {

    /** The format version written into {@code state.json}. */
    public static final int FORMAT = 2;

    /** The artifact kind in a checkpoint's marker. */
    static final String KIND = "checkpoint";

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoint.class);
    private static final String STATE = "state.json";
    private static final String PARAMETERS = "parameters.ndlist";
    private static final String OPTIMIZER = "optimizer.ndlist";

    /**
     * Writes the checkpoint to {@code dir}, replacing what is there only once everything is written.
     *
     * @param dir the checkpoint directory
     * @throws IOException when writing fails (the previous content of {@code dir} is left as it was)
     */
    public void write(Path dir) throws IOException {
        AtomicDirectory.write(dir, KIND, tmp -> {
            JsonObject state = new JsonObject();
            state.addProperty("format", FORMAT);
            state.addProperty("completed_epochs", completedEpochs);
            state.addProperty("global_step", globalStep);
            state.addProperty("seed", seed);
            state.addProperty("best", Double.toString(best));
            state.addProperty("bad_epochs", badEpochs);
            state.addProperty("best_epoch", bestEpoch);
            state.addProperty("learning_rate_factor", Double.toString(learningRateFactor));
            JsonArray epochs = new JsonArray();
            for (Map<String, Double> row : history) {
                JsonObject o = new JsonObject();
                row.forEach((k, v) -> o.addProperty(k, Double.toString(v)));
                epochs.add(o);
            }
            state.add("history", epochs);
            JsonObject sums = new JsonObject();
            writeArrays(tmp, PARAMETERS, parameters, sums);
            writeArrays(tmp, OPTIMIZER, optimizer, sums); // an optimizer without state (plain SGD) writes no file
            JsonObject saved = new JsonObject();
            int n = 0;
            for (Map.Entry<String, ComponentState> e : components.entrySet()) {
                JsonObject c = new JsonObject();
                c.add("values", e.getValue().values());
                if (!e.getValue().arrays().isEmpty()) {
                    String file = "component-" + n++ + ".ndlist";
                    writeArrays(tmp, file, e.getValue().arrays(), sums);
                    c.addProperty("arrays", file);
                }
                saved.add(e.getKey(), c);
            }
            state.add("components", saved);
            state.add("sha256", sums);
            if (training != null) {
                state.add("training", training);
            }
            JsonFiles.write(tmp.resolve(STATE), state);
        });
    }

    private static void writeArrays(Path dir, String name, Map<String, NDArray> arrays, JsonObject sums)
            throws IOException {
        if (arrays.isEmpty()) {
            return;
        }
        Path file = dir.resolve(name);
        NDList list = new NDList();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            NDArray a = e.getValue();
            a.setName(e.getKey());
            list.add(a);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            list.encode(out);
        }
        sums.addProperty(name, Checksums.sha256(file));
    }

    /**
     * Reads a checkpoint.
     *
     * @param dir the checkpoint directory
     * @param manager owns the arrays read
     * @return the checkpoint
     * @throws IOException when reading fails
     */
    public static Checkpoint read(Path dir, NDManager manager) throws IOException {
        Path stateFile = dir.resolve(STATE);
        if (!Files.isRegularFile(stateFile)) {
            throw new IllegalArgumentException("no checkpoint at " + dir + " (no " + STATE + "); pass a directory "
                    + "written by Quaterion.fit under <outputDir>/checkpoints/");
        }
        JsonObject state = JsonFiles.read(stateFile);
        int format = JsonFiles.requireInt(state, "format", stateFile.toString());
        if (format > FORMAT) {
            throw new IllegalArgumentException(stateFile + " has checkpoint format " + format + ", newer than this "
                    + "library's " + FORMAT + "; upgrade quaterion-core");
        }
        if (!state.has("sha256") || !state.get("sha256").isJsonObject()) {
            throw new IllegalArgumentException(stateFile + " has no \"sha256\" object, so its files cannot be "
                    + "verified: the checkpoint was not written by Quaterion.fit or was edited; resume from another "
                    + "checkpoint");
        }
        JsonObject sums = state.getAsJsonObject("sha256");
        for (String file : sums.keySet()) {
            Path path = dir.resolve(file);
            if (!Files.isRegularFile(path) || !Checksums.sha256(path).equals(sums.get(file).getAsString())) {
                throw new org.quaterion.models.io.CorruptArtifactException(path, "(a checkpoint file) is missing or "
                        + "corrupt (checksum mismatch); resume from an earlier checkpoint");
            }
        }
        List<Map<String, Double>> history = new ArrayList<>();
        for (var e : state.getAsJsonArray("history")) {
            Map<String, Double> row = new LinkedHashMap<>();
            e.getAsJsonObject().entrySet().forEach(kv -> row.put(kv.getKey(),
                    Double.parseDouble(kv.getValue().getAsString())));
            history.add(row);
        }
        Map<String, ComponentState> components = format == 1 ? formatOneComponents(dir, sums, manager)
                : readComponents(dir, state, manager, stateFile);
        return new Checkpoint(state.get("completed_epochs").getAsInt(), state.get("global_step").getAsLong(),
                state.get("seed").getAsLong(), Double.parseDouble(state.get("best").getAsString()),
                state.get("bad_epochs").getAsInt(), state.has("best_epoch") ? state.get("best_epoch").getAsInt() : 0,
                state.has("learning_rate_factor") ? Double.parseDouble(state.get("learning_rate_factor")
                        .getAsString()) : 1.0, history, readArrays(dir.resolve(PARAMETERS), manager),
                sums.has(OPTIMIZER) ? readArrays(dir.resolve(OPTIMIZER), manager) : Map.of(),
                state.has("training") && state.get("training").isJsonObject() ? state.getAsJsonObject("training")
                        : null, components);
    }

    private static Map<String, ComponentState> readComponents(Path dir, JsonObject state, NDManager manager,
            Path stateFile) throws IOException {
        Map<String, ComponentState> out = new LinkedHashMap<>();
        if (!state.has("components") || !state.get("components").isJsonObject()) {
            throw new IllegalArgumentException(stateFile + " has no \"components\" object; the checkpoint was not "
                    + "written by Quaterion.fit or was edited; resume from another checkpoint");
        }
        for (Map.Entry<String, JsonElement> e : state.getAsJsonObject("components").entrySet()) {
            JsonObject c = e.getValue().getAsJsonObject();
            Map<String, NDArray> arrays = c.has("arrays") ? readArrays(dir.resolve(c.get("arrays").getAsString()),
                    manager) : Map.of();
            out.put(e.getKey(), new ComponentState(c.getAsJsonObject("values"), arrays));
        }
        return out;
    }

    /** A checkpoint of format 1 kept its weight average in {@code ema.ndlist} and a cross-batch memory apart. */
    private static Map<String, ComponentState> formatOneComponents(Path dir, JsonObject sums, NDManager manager)
            throws IOException {
        Map<String, ComponentState> out = new LinkedHashMap<>();
        if (sums.has("ema.ndlist")) {
            out.put(ExponentialMovingAverage.class.getSimpleName(), new ComponentState(new JsonObject(),
                    readArrays(dir.resolve("ema.ndlist"), manager)));
        }
        if (sums.has("xbm.ndlist")) {
            LOG.warn("checkpoint {} has format 1: its cross-batch memory is not restored and starts empty", dir);
        }
        return out;
    }

    private static Map<String, NDArray> readArrays(Path file, NDManager manager) throws IOException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (NDArray a : NDList.decode(manager, in)) {
                out.put(a.getName(), a);
            }
        }
        return out;
    }

    /**
     * The newest checkpoint under an output directory ({@code <outputDir>/checkpoints/epoch-NNNN}).
     *
     * @param outputDir the trainer's output directory
     * @return the newest checkpoint directory, or null when there is none
     * @throws IOException when listing fails
     */
    public static Path latest(Path outputDir) throws IOException {
        List<Path> all = list(outputDir);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** The complete checkpoints under an output directory, oldest first (by epoch number, not by name). */
    static List<Path> list(Path outputDir) throws IOException {
        Path root = outputDir.resolve("checkpoints");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        AtomicDirectory.removeLeftoversIn(root);
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().matches("epoch-\\d{4,9}"))
                    .filter(p -> Files.isRegularFile(p.resolve(STATE)))
                    .sorted(Comparator.comparingInt(Checkpoint::epochOf)).toList();
        }
    }

    /** The completed-epoch number in a checkpoint directory's name {@code epoch-NNNN}. */
    static int epochOf(Path dir) {
        return Integer.parseInt(String.valueOf(dir.getFileName()).substring("epoch-".length()));
    }

    static Path directory(Path outputDir, int completedEpochs) {
        return outputDir.resolve("checkpoints").resolve(String.format("epoch-%04d", completedEpochs));
    }
}
