package org.quaterion.cli;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.quaterion.loss.ClassWeightLoss;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.score.ScoreLoss;
import org.quaterion.miner.Miner;
import org.quaterion.models.Prompts;
import org.quaterion.registry.ComponentRegistry;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A {@code quaterion train} configuration, read strictly from YAML (unknown keys and values are rejected with the
 * valid ones). Relative paths are resolved against the config file's directory.
 *
 * @param encoder {@code minilm-int8}, {@code minilm-fp32}, {@code onnx} (frozen, cached), {@code transformer}
 *     (fine-tuned), or {@code cross-encoder} (a fine-tuned transformer scoring (query, document) pairs)
 * @param onnxModel the ONNX file (encoder {@code onnx})
 * @param onnxTokenizer the tokenizer.json (encoder {@code onnx})
 * @param onnxDim the hidden size (encoder {@code onnx})
 * @param head head type
 * @param headOutput output size (linear, stacked_projection; a cross-encoder's labels, 1 by default)
 * @param loss the loss's registry type name ({@code ComponentRegistry})
 * @param lossSettings the loss settings given in the YAML (the rest are the reference defaults)
 * @param miner the miner's registry type name, or null for none
 * @param minerSettings the miner settings given in the YAML
 * @param kind {@code pairs}, {@code groups}, or {@code scored_pairs} (a cross-encoder's (query, document,
 *     target, group) lines)
 * @param train training data (JSONL)
 * @param validation validation data (JSONL) or null
 * @param epochs epochs
 * @param batchSize batch size (pairs for pair data)
 * @param learningRate Adam's learning rate
 * @param seed the seed
 * @param sampler {@code random} or {@code balance} (groups)
 * @param labelsPerBatch P of a balance sampler
 * @param emaDecay decay of the weights' moving average (0 = off)
 * @param tensorBoard whether to write TensorBoard event files under {@code <output>/tensorboard}
 * @param cacheDir where the frozen-encoder cache persists, or null
 * @param output the output directory (servable, metrics, checkpoints)
 * @param transformer the trainable transformer (encoder {@code transformer}), or null
 * @param negatives hard negatives mined per training pair with the untrained model (pairs; 0 = none)
 * @param evaluator the information-retrieval evaluation run after every epoch, or null
 * @param prompts the prefixes per input role (queries, documents), trained with and saved in the servable
 */
record TrainConfig(String encoder, Path onnxModel, Path onnxTokenizer, int onnxDim, String head, int headOutput,
        String loss, JsonObject lossSettings, String miner, JsonObject minerSettings, String kind, Path train, Path validation, int epochs,
        int batchSize, double learningRate, long seed, String sampler, int labelsPerBatch, double emaDecay,
        boolean tensorBoard, Path cacheDir, Path output, TransformerSettings transformer, int negatives,
        EvaluatorSettings evaluator, Prompts prompts) {

    static final List<String> ENCODERS = List.of("minilm-int8", "minilm-fp32", "onnx", "transformer",
            "cross-encoder");
    static final List<String> HEADS = List.of("skip_connection", "linear", "gated", "widening", "normalize", "empty");
    static final ComponentRegistry REGISTRY = ComponentRegistry.discover();

    /**
     * The loss names a config of a data kind accepts: every registered loss of that kind, sorted (the pair loss
     * {@code pair_contrastive} is {@code contrastive} for pair data).
     *
     * @param pairs true for pair data, false for group data
     * @return the names
     */
    static List<String> lossNames(boolean pairs) {
        List<String> losses = new ArrayList<>();
        for (String name : REGISTRY.names(SimilarityLoss.class)) {
            if (REGISTRY.isLoss(name, pairs ? PairwiseLoss.class : GroupLoss.class)) {
                losses.add(name.equals("pair_contrastive") ? "contrastive" : name);
            }
        }
        return losses.stream().sorted().toList();
    }

    /**
     * The loss names scored-pair data (a cross-encoder) accepts: every registered score loss, sorted.
     *
     * @return the names
     */
    static List<String> scoreLossNames() {
        return REGISTRY.names(SimilarityLoss.class).stream().filter(n -> REGISTRY.isLoss(n, ScoreLoss.class))
                .sorted().toList();
    }

    /**
     * Whether this config trains a cross-encoder.
     *
     * @return true for {@code model.encoder: cross-encoder}
     */
    boolean crossEncoder() {
        return encoder.equals("cross-encoder");
    }

    /**
     * Reads a config file.
     *
     * @param file the YAML file
     * @return the config
     * @throws IOException when reading fails
     */
    static TrainConfig read(Path file) throws IOException {
        CliInputs.requireFile(file, "config");
        Object yaml;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            throw new IllegalArgumentException(file + " is not valid YAML: " + e.getMessage(), e);
        }
        Path base = file.toAbsolutePath().getParent();
        ConfigNode root = ConfigNode.of(yaml, "");

        ConfigNode model = root.node("model");
        String encoder = model.choice("encoder", "minilm-int8", ENCODERS);
        Path onnxModel = null;
        Path onnxTokenizer = null;
        int onnxDim = 0;
        if (encoder.equals("onnx")) {
            ConfigNode onnx = model.node("onnx");
            onnxModel = base.resolve(onnx.string("model"));
            onnxTokenizer = base.resolve(onnx.string("tokenizer"));
            onnxDim = onnx.integer("dim", 384, 1);
            onnx.finish();
        } else if (model.has("onnx")) {
            throw new IllegalArgumentException("model.onnx is read only with model.encoder: onnx, but the encoder is "
                    + encoder + "; remove model.onnx or set the encoder to onnx");
        }
        TransformerSettings transformer = null;
        boolean cross = encoder.equals("cross-encoder");
        if (encoder.equals("transformer") || cross) {
            if (!model.has("transformer")) {
                throw new IllegalArgumentException("model.encoder " + encoder + " needs model.transformer.source: "
                        + "minilm, e5-small, or a Hugging Face model directory");
            }
            transformer = TransformerSettings.read(model.node("transformer"), base);
            if (cross && (transformer.normalize() != null || (transformer.pooling() != null
                    && transformer.pooling() != org.quaterion.onnx.transformer.Pooling.CLS))) {
                throw new IllegalArgumentException("a cross-encoder scores the [CLS] state unnormalised; remove "
                        + "model.transformer.pooling and normalize");
            }
        } else if (model.has("transformer")) {
            throw new IllegalArgumentException("model.transformer is read only with model.encoder: transformer, but "
                    + "the encoder is " + encoder + "; remove model.transformer or set the encoder to transformer");
        }
        Prompts prompts = Prompts.NONE;
        if (model.has("prompts")) {
            ConfigNode p = model.node("prompts");
            prompts = Prompts.of(p.string("query", ""), p.string("document", ""));
            if (p.has("default_role")) {
                prompts = prompts.withDefaultRole(Prompts.Role.of(p.choice("default_role", "query",
                        List.of("query", "document"))));
            }
            p.finish();
        }
        if (cross && (model.has("head") || model.has("prompts"))) {
            throw new IllegalArgumentException("a cross-encoder's head is its scoring head (model.output_size labels, "
                    + "1 by default) and it reads the pair as given; remove model.head and model.prompts");
        }
        String head = cross ? "linear" : model.choice("head", "skip_connection", HEADS);
        int headOutput = model.integer("output_size", cross ? 1 : 0, cross ? 1 : 0);
        if (head.equals("linear") && headOutput == 0) {
            throw new IllegalArgumentException("model.head linear needs model.output_size");
        }
        model.finish();

        ConfigNode data = root.node("data");
        String kind = data.choice("kind", cross ? "scored_pairs" : "pairs", List.of("pairs", "groups",
                "scored_pairs"));
        if (cross != kind.equals("scored_pairs")) {
            throw new IllegalArgumentException(cross ? "a cross-encoder trains on data.kind: scored_pairs (lines "
                    + "{\"query\", \"document\", \"target\", \"group\"}), not " + kind : "data.kind scored_pairs "
                    + "trains a cross-encoder: set model.encoder: cross-encoder");
        }
        Path train = base.resolve(data.string("train"));
        Path validation = data.has("validation") ? base.resolve(data.string("validation")) : null;
        int negatives = data.integer("negatives", 0, 0);
        if (negatives > 0 && !kind.equals("pairs")) {
            throw new IllegalArgumentException("data.negatives mines negatives for pair data (data.kind: pairs); "
                    + "remove it");
        }
        data.finish();

        // every registered loss (and miner) by name; its other keys are its settings, checked by the registry
        ConfigNode lossNode = root.node("loss");
        boolean pairs = kind.equals("pairs");
        String chosenLoss = cross ? lossNode.choice("name", "binary_cross_entropy_score", scoreLossNames())
                : lossNode.choice("name", pairs ? "multiple_negatives_ranking" : "triplet", lossNames(pairs));
        String loss = pairs && chosenLoss.equals("contrastive") ? "pair_contrastive" : chosenLoss;
        JsonObject lossSettings = lossNode.rest();
        check("loss", () -> RegularizerSettings.build(withPlaceholders(loss, lossSettings),
                r -> MatryoshkaSettings.build(r, s -> REGISTRY.loss(loss, s))));
        lossNode.finish();
        String miner = null;
        JsonObject minerSettings = new JsonObject();
        if (root.has("miner")) {
            if (!kind.equals("groups")) {
                throw new IllegalArgumentException("miner is for group data (data.kind: groups); remove it");
            }
            ConfigNode minerNode = root.node("miner");
            miner = minerNode.choice("name", "batch_hard", REGISTRY.names(Miner.class));
            JsonObject settings = minerNode.rest();
            String chosen = miner;
            check("miner", () -> REGISTRY.miner(chosen, settings));
            minerSettings = settings;
            minerNode.finish();
        }

        ConfigNode trainer = root.has("trainer") ? root.node("trainer") : ConfigNode.of(java.util.Map.of(), "trainer");
        int epochs = trainer.integer("epochs", 10, 1);
        int batch = trainer.integer("batch_size", 64, 2);
        double lr = trainer.number("learning_rate", 1e-3);
        int seed = trainer.integer("seed", 42, 0);
        String sampler = trainer.choice("sampler", "random", List.of("random", "balance", "no_duplicates"));
        int labels = trainer.integer("labels_per_batch", 8, 2);
        double ema = trainer.number("ema_decay", 0);
        boolean tensorBoard = trainer.flag("tensorboard", false);
        if (!(ema >= 0 && ema < 1)) {
            throw new IllegalArgumentException("trainer.ema_decay must be in [0, 1) (0 = off, e.g. 0.999), got " + ema);
        }
        if (sampler.equals("balance") && kind.equals("pairs")) {
            throw new IllegalArgumentException("trainer.sampler balance needs group data (data.kind: groups)");
        }
        if (sampler.equals("no_duplicates") && !kind.equals("pairs")) {
            throw new IllegalArgumentException("trainer.sampler no_duplicates needs pair data (data.kind: pairs)");
        }
        trainer.finish();

        Path cache = null;
        if (root.has("cache")) {
            if (transformer != null) {
                throw new IllegalArgumentException("cache keeps a frozen encoder's outputs, but the transformer is "
                        + "fine-tuned (its outputs change every step); remove the cache section");
            }
            ConfigNode c = root.node("cache");
            cache = base.resolve(c.string("dir"));
            c.finish();
        }
        if (cross && root.has("evaluator")) {
            throw new IllegalArgumentException("evaluator runs a bi-encoder's retrieval; a cross-encoder is not "
                    + "evaluated by the CLI yet: remove the evaluator section");
        }
        EvaluatorSettings evaluator = root.has("evaluator") ? EvaluatorSettings.read(root.node("evaluator"), base)
                : null;
        Path output = base.resolve(root.string("output"));
        root.finish();
        return new TrainConfig(encoder, onnxModel, onnxTokenizer, onnxDim, head, headOutput, loss, lossSettings,
                miner, minerSettings,
                kind, train, validation, epochs, batch, lr, seed, sampler, labels, ema, tensorBoard, cache, output,
                transformer, negatives, evaluator, prompts);
    }

    /** Class-weight losses need a class count and a width, known only from the data and the head; any will do here. */
    static JsonObject withPlaceholders(String loss, JsonObject settings) {
        JsonObject json = settings.deepCopy();
        if (REGISTRY.isLoss(loss, ClassWeightLoss.class)) {
            // a loss given one size per class (dynamic_arcface's class_counts) is checked with that many classes
            json.addProperty("num_classes", json.has("class_counts") && json.get("class_counts").isJsonArray()
                    ? Math.max(1, json.getAsJsonArray("class_counts").size()) : 2);
            json.addProperty("embedding_size", 2);
        }
        return json;
    }

    private static void check(String where, Runnable build) {
        try {
            build.run();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
