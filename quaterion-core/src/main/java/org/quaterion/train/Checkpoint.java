package org.quaterion.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
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

/**
 * A training checkpoint directory, written atomically (temporary sibling, then rename):
 * {@code state.json} (epoch, step, seed, early-stopping state, history, SHA-256 of every array file),
 * {@code parameters.ndlist} (model and loss parameters by name), {@code optimizer.ndlist} and, with a cross-batch
 * memory, {@code xbm.ndlist}, and with a weight average, {@code ema.ndlist}. Reading verifies the checksums, so a truncated or corrupt checkpoint is reported
 * instead of resumed from.
 *
 * @param completedEpochs epochs finished
 * @param globalStep training steps finished
 * @param seed the run's seed
 * @param best the best monitored value so far (NaN when none)
 * @param badEpochs epochs since the last improvement
 * @param bestEpoch completed epochs at the best monitored value (0 when none): the checkpoint {@code epoch-<bestEpoch>}
 *     holds the best weights and is never pruned
 * @param history per-epoch values so far
 * @param parameters name → parameter values
 * @param optimizer name → optimizer state
 * @param xbm {@code [embeddings, groups]} of the memory, or null
 * @param xbmPointer the memory's write position
 * @param xbmFull whether the memory has wrapped around
 * @param training how the run was set up (provenance, see {@code TrainingRecord}), or null for checkpoints written
 *     before it was recorded
 * @param averaged name → the exponential moving average of each parameter ({@link TrainerConfig#withEma}), or null
 *     when the run keeps none
 */
public record Checkpoint(int completedEpochs, long globalStep, long seed, double best, int badEpochs, int bestEpoch,
        List<Map<String, Double>> history, Map<String, NDArray> parameters, Map<String, NDArray> optimizer,
        NDArray[] xbm, int xbmPointer, boolean xbmFull, JsonObject training, Map<String, NDArray> averaged) {

    /** The format version written into {@code state.json}. */
    public static final int FORMAT = 1;

    /** The artifact kind in a checkpoint's marker. */
    static final String KIND = "checkpoint";

    private static final String STATE = "state.json";
    private static final String PARAMETERS = "parameters.ndlist";
    private static final String OPTIMIZER = "optimizer.ndlist";
    private static final String XBM = "xbm.ndlist";
    private static final String EMA = "ema.ndlist";

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
            state.addProperty("best", Double.isNaN(best) ? "NaN" : Double.toString(best));
            state.addProperty("bad_epochs", badEpochs);
            state.addProperty("best_epoch", bestEpoch);
            state.addProperty("xbm_pointer", xbmPointer);
            state.addProperty("xbm_full", xbmFull);
            JsonArray epochs = new JsonArray();
            for (Map<String, Double> row : history) {
                JsonObject o = new JsonObject();
                row.forEach((k, v) -> o.addProperty(k, Double.toString(v)));
                epochs.add(o);
            }
            state.add("history", epochs);
            JsonObject sums = new JsonObject();
            writeArrays(tmp.resolve(PARAMETERS), parameters);
            sums.addProperty(PARAMETERS, Checksums.sha256(tmp.resolve(PARAMETERS)));
            if (!optimizer.isEmpty()) {
                // (an optimizer without state, e.g. plain SGD, writes no file)
                writeArrays(tmp.resolve(OPTIMIZER), optimizer);
                sums.addProperty(OPTIMIZER, Checksums.sha256(tmp.resolve(OPTIMIZER)));
            }
            if (xbm != null) {
                writeArrays(tmp.resolve(XBM), Map.of("embeddings", xbm[0], "groups", xbm[1]));
                sums.addProperty(XBM, Checksums.sha256(tmp.resolve(XBM)));
            }
            if (averaged != null) {
                writeArrays(tmp.resolve(EMA), averaged);
                sums.addProperty(EMA, Checksums.sha256(tmp.resolve(EMA)));
            }
            state.add("sha256", sums);
            if (training != null) {
                state.add("training", training);
            }
            JsonFiles.write(tmp.resolve(STATE), state);
        });
    }

    private static void writeArrays(Path file, Map<String, NDArray> arrays) throws IOException {
        if (arrays.isEmpty()) {
            throw new IllegalArgumentException("a checkpoint needs at least one parameter");
        }
        NDList list = new NDList();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            NDArray a = e.getValue();
            a.setName(e.getKey());
            list.add(a);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            list.encode(out);
        }
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
                throw new org.quaterion.models.CorruptArtifactException(path, "(a checkpoint file) is missing or "
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
        NDArray[] xbm = null;
        if (sums.has(XBM)) {
            Map<String, NDArray> x = readArrays(dir.resolve(XBM), manager);
            xbm = new NDArray[] {x.get("embeddings"), x.get("groups")};
        }
        return new Checkpoint(state.get("completed_epochs").getAsInt(), state.get("global_step").getAsLong(),
                state.get("seed").getAsLong(), Double.parseDouble(state.get("best").getAsString()),
                state.get("bad_epochs").getAsInt(), state.has("best_epoch") ? state.get("best_epoch").getAsInt() : 0,
                history, readArrays(dir.resolve(PARAMETERS), manager),
                sums.has(OPTIMIZER) ? readArrays(dir.resolve(OPTIMIZER), manager) : Map.of(), xbm, state.get("xbm_pointer").getAsInt(),
                state.get("xbm_full").getAsBoolean(), state.has("training") && state.get("training").isJsonObject()
                        ? state.getAsJsonObject("training") : null,
                sums.has(EMA) ? readArrays(dir.resolve(EMA), manager) : null);
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
