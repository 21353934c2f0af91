package org.quaterion.examples.bench;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.examples.WordNetPairs;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.models.EngineSetup;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.onnx.E5Small;
import org.quaterion.onnx.MiniLm;
import org.quaterion.onnx.TrainableTransformer;
import org.quaterion.onnx.transformer.LoraConfig;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;

/**
 * Peak memory of one training step of a whole transformer (all-MiniLM-L6-v2 fp32 or e5-small-v2, trainable) on a
 * batch of WordNet (definition, word) pairs, fully fine-tuned or through LoRA adapters, with and without GradCache:
 * {@code --model minilm|e5 --lora R} (0 = full fine-tuning) {@code --pairs P --grad-cache M} (0 = off)
 * {@code --steps S}.
 * Prints the process's peak resident memory growth (Linux {@code VmHWM} after resetting it) and the time per step.
 * Run each setting in its own JVM.
 */
public final class GradCacheMemory {

    private GradCacheMemory() {}

    /** Fine-tunes the transformer itself (or its LoRA adapters on every linear layer) with MNR. */
    static final class FineTune extends TrainableModel<String> {
        private final String model;
        private final int loraRank;

        FineTune(String model, int loraRank) {
            this.model = model;
            this.loraRank = loraRank;
        }

        @Override
        protected Map<String, Encoder<String>> configureEncoders() {
            TrainableTransformer.Builder b = (model.equals("e5") ? E5Small.trainable() : MiniLm.trainable())
                    .maxLength(64);
            if (loraRank > 0) {
                b.lora(LoraConfig.of(loraRank).withTargets(LoraConfig.Target.QUERY, LoraConfig.Target.KEY,
                        LoraConfig.Target.VALUE, LoraConfig.Target.ATTENTION_OUTPUT, LoraConfig.Target.INTERMEDIATE,
                        LoraConfig.Target.OUTPUT));
            }
            return Map.of("text", b.build());
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return new EmptyHead(inputSize);
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return new MultipleNegativesRankingLoss();
        }
    }

    /**
     * Runs the measurement.
     *
     * @param args {@code --pairs P --grad-cache M --steps S}
     * @throws IOException when /proc cannot be read
     */
    public static void main(String[] args) throws IOException {
        int pairs = 256;
        int miniBatch = 0;
        int steps = 2;
        String modelName = "minilm";
        int lora = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pairs" -> pairs = Integer.parseInt(args[++i]);
                case "--grad-cache" -> miniBatch = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--model" -> modelName = args[++i];
                case "--lora" -> lora = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("use --model minilm|e5 --lora R --pairs P --grad-cache M "
                        + "--steps S");
            }
        }
        EngineSetup.configure(1);
        List<SimilarityPairSample<String>> data = WordNetPairs.nouns(pairs * steps);
        try (FineTune model = new FineTune(modelName, lora)) {
            TrainerConfig config = TrainerConfig.defaults().withMaxEpochs(1).withEarlyStopping(null)
                    .withProgressBar(false);
            if (miniBatch > 0) {
                config = config.withGradCache(miniBatch);
            }
            // a first tiny fit loads the model and warms up, so the measured growth is the step's own
            Quaterion.fit(model, config.withoutGradCache(), new PairsSimilarityDataLoader<>(data.subList(0, 4),
                    LoaderOptions.batchSize(2)), null);
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            long before = status("VmRSS:");
            long t0 = System.nanoTime();
            Quaterion.fit(model, config, new PairsSimilarityDataLoader<>(data, LoaderOptions.batchSize(pairs)), null);
            double seconds = (System.nanoTime() - t0) / 1e9 / steps;
            long peak = status("VmHWM:");
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %d pairs | %s | %d MiB | %.1f s |%n", modelName,
                    lora == 0 ? "full" : "LoRA r" + lora, model.trainableParameters().values().stream()
                            .mapToLong(NDArray::size).sum(), pairs, miniBatch == 0 ? "off" : "mini-batch " + miniBatch,
                    (peak - before) >> 20, seconds);
        }
    }

    private static long status(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
