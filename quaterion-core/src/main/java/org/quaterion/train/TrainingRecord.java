package org.quaterion.train;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.quaterion.dataset.MultiDatasetLoader;
import org.quaterion.dataset.SimilarityDataLoader;
import org.quaterion.models.LibraryVersion;

/**
 * How a model was trained (provenance), recorded in every checkpoint's {@code state.json} and in the servable's
 * {@code config.json} under {@code "training"}: library version, loss, miner, optimizer, trainer settings, seed, data
 * sizes, start and end time, epochs run, why the run stopped, and the best epoch with its values.
 */
final class TrainingRecord {

    /** The parts a resumed run must share with the run that wrote the checkpoint. */
    private static final List<String> MUST_MATCH = List.of("loss", "dataset_losses", "miner", "optimizer", "seed",
            "data");

    private static final org.quaterion.registry.ComponentRegistry REGISTRY =
            org.quaterion.registry.ComponentRegistry.discover();

    private TrainingRecord() {}

    /** The record of a run about to start. */
    static JsonObject start(TrainableModel<?> model, TrainerConfig config, SimilarityDataLoader<?, ?> train,
            SimilarityDataLoader<?, ?> validation) {
        JsonObject json = new JsonObject();
        json.addProperty("library_version", LibraryVersion.get());
        json.addProperty("started", Instant.now().toString());
        json.addProperty("seed", config.seed());
        if (model.earlierFits() > 0) { // this fit continued from the weights of earlier ones
            json.addProperty("earlier_fits", model.earlierFits());
        }
        json.add("loss", describe(model.loss(), model.loss().config()));
        if (!model.datasetLosses().isEmpty()) {
            JsonObject losses = new JsonObject();
            model.datasetLosses().forEach((name, l) -> losses.add(name, describe(l, l.config())));
            json.add("dataset_losses", losses);
        }
        json.add("miner", model.miner() == null ? null : describe(model.miner(), model.miner().config()));
        json.add("optimizer", model.optimizer().config());
        JsonObject trainer = new JsonObject();
        config.maxEpochs().ifPresent(n -> trainer.addProperty("max_epochs", n));
        config.gradientClipNorm().ifPresent(n -> trainer.addProperty("gradient_clip_norm", n));
        config.gradCacheBatch().ifPresent(n -> trainer.addProperty("grad_cache_batch", n));
        config.monitor().ifPresent(m -> trainer.addProperty("monitor", m.toString()));
        com.google.gson.JsonArray callbacks = new com.google.gson.JsonArray();
        config.callbacks().forEach(c -> callbacks.add(c.toString()));
        trainer.add("callbacks", callbacks);
        trainer.addProperty("xbm", model.xbm() != null);
        trainer.addProperty("cache", model.cacheConfig() != null);
        json.add("trainer", trainer);
        JsonObject data = new JsonObject();
        data.addProperty("train_samples", train.dataset().size());
        data.addProperty("train_batch_size", train.options().batchSize());
        data.addProperty("validation_samples", validation == null ? 0 : validation.dataset().size());
        if (train instanceof MultiDatasetLoader<?> multi) {
            data.addProperty("sampling", multi.sampling().name());
            data.addProperty("sampling_seed", multi.seed());
            JsonObject datasets = new JsonObject();
            multi.loaders().forEach((name, loader) -> {
                JsonObject d = new JsonObject();
                d.addProperty("samples", loader.dataset().size());
                d.addProperty("batch_size", loader.options().batchSize());
                datasets.add(name, d);
            });
            data.add("datasets", datasets);
        }
        json.add("data", data);
        return json;
    }

    /** The registry's {@code {type, config}} (rebuildable), or the class name for a component it does not know. */
    private static JsonObject describe(Object component, JsonObject config) {
        try {
            return REGISTRY.describe(component);
        } catch (IllegalArgumentException unregistered) {
            JsonObject json = new JsonObject();
            json.addProperty("type", component.getClass().getName());
            json.add("config", config);
            return json;
        }
    }

    /** Completes a record at the end of a run. */
    static JsonObject finish(JsonObject record, int epochsRun, String stoppedBy, int bestEpoch,
            Map<String, Double> best, String recordType) {
        JsonObject json = record.deepCopy();
        if (recordType != null) {
            json.addProperty("record_type", recordType); // SimilarityModel.load(dir, Class) checks it
        }
        json.addProperty("ended", Instant.now().toString());
        json.addProperty("epochs_run", epochsRun);
        json.addProperty("stopped_by", stoppedBy);
        if (bestEpoch > 0) {
            json.addProperty("best_epoch", bestEpoch); // from 1, like the checkpoint epoch-<best_epoch>
            JsonObject values = new JsonObject();
            best.forEach((k, v) -> {
                if (Double.isFinite(v)) {
                    values.addProperty(k, v);
                }
            });
            json.add("best", values);
        }
        return json;
    }

    /**
     * What differs between the run that wrote a checkpoint and this one, in the parts that must match.
     *
     * @return one line per difference; empty when they match or the checkpoint predates the record
     */
    static List<String> differences(JsonObject checkpoint, JsonObject current) {
        List<String> out = new ArrayList<>();
        if (checkpoint == null) {
            return out;
        }
        for (String key : MUST_MATCH) {
            JsonElement then = checkpoint.get(key);
            JsonElement now = current.get(key);
            if (!java.util.Objects.equals(withoutNulls(then), withoutNulls(now))) {
                out.add(key + ": " + then + " in the checkpoint, " + now + " now");
            }
        }
        return out;
    }

    /**
     * The element as the checkpoint file keeps it: members whose value is null are not written, so an optional
     * setting left unset ({@code "pos_weight": null}) reads back absent and must compare equal to it.
     */
    private static JsonElement withoutNulls(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonObject()) {
            JsonObject out = new JsonObject();
            e.getAsJsonObject().entrySet().forEach(m -> {
                JsonElement v = withoutNulls(m.getValue());
                if (v != null) {
                    out.add(m.getKey(), v);
                }
            });
            return out;
        }
        if (e.isJsonArray()) {
            com.google.gson.JsonArray out = new com.google.gson.JsonArray();
            e.getAsJsonArray().forEach(v -> out.add(v == null || v.isJsonNull() ? com.google.gson.JsonNull.INSTANCE
                    : withoutNulls(v)));
            return out;
        }
        return e;
    }
}
