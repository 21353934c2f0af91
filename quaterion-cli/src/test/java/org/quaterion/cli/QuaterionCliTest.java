package org.quaterion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line tool: strict configs, and train → encode → index → search → evaluate on a small text set. */
class QuaterionCliTest {

    @TempDir
    Path tmp;

    private static final String[][] PAIRS = {
        {"a domesticated carnivorous mammal that barks", "dog"}, {"a small domesticated feline", "cat"},
        {"a large natural stream of water", "river"}, {"a building where books are kept", "library"},
        {"a vehicle with four wheels", "car"}, {"the season after spring", "summer"},
        {"a tool for cutting paper", "scissors"}, {"frozen water", "ice"},
        {"a device that tells the time", "clock"}, {"a place where planes land", "airport"},
        {"the natural satellite of the earth", "moon"}, {"a hot drink made from roasted beans", "coffee"},
        {"a musical instrument with strings and frets", "guitar"}, {"a person who teaches", "teacher"},
        {"a sweet food made from sugar and cocoa", "chocolate"}, {"a room for cooking", "kitchen"}};

    private Path config(String body) throws Exception {
        Path file = tmp.resolve("train.yaml");
        Files.writeString(file, body);
        return file;
    }

    @Test
    void configsAreStrict() throws Exception {
        String ok = "model:\n  encoder: minilm-int8\n  head: skip_connection\nloss:\n  name: multiple_negatives_ranking\n"
                + "data:\n  kind: pairs\n  train: pairs.jsonl\ntrainer:\n  epochs: 2\noutput: out\n";
        TrainConfig c = TrainConfig.read(config(ok));
        assertEquals(tmp.resolve("pairs.jsonl"), c.train());
        assertEquals("multiple_negatives_ranking", c.loss());
        assertEquals(20.0, TrainConfig.REGISTRY.loss(c.loss(), c.lossSettings()).config().get("scale").getAsDouble(),
                "the reference default");
        assertMessage("unknown key [trainer.epoch]; valid keys of trainer are [epochs, batch_size",
                () -> TrainConfig.read(config(ok.replace("epochs: 2", "epoch: 2"))));
        assertMessage("loss.name is 'triplet'; valid values: [contrastive, cosent, embedding_mse, margin_mse, "
                + "multiple_negatives_ranking]",
                () -> TrainConfig.read(config(ok.replace("name: multiple_negatives_ranking", "name: triplet"))));
        // every registered loss and miner by name, with its own settings, checked by the registry
        String groups = ok.replace("kind: pairs", "kind: groups").replace("name: multiple_negatives_ranking",
                "name: triplet_margin\n  margin: 0.1\n  distance: cosine") + "miner:\n  name: batch_hard\n";
        TrainConfig g = TrainConfig.read(config(groups));
        assertEquals("triplet_margin", g.loss());
        assertEquals("batch_hard", g.miner());
        assertEquals(0.1, g.lossSettings().get("margin").getAsDouble());
        assertMessage("loss: triplet_margin has no setting 'margn'",
                () -> TrainConfig.read(config(groups.replace("margin: 0.1", "margn: 0.1"))));
        assertMessage("miner is for group data", () -> TrainConfig.read(config(ok + "miner:\n  name: batch_hard\n")));
        assertEquals("arcface", TrainConfig.read(config(groups.replace("name: triplet_margin\n  margin: 0.1\n"
                + "  distance: cosine", "name: arcface\n  scale: 30").replace("miner:\n  name: batch_hard\n", "")))
                .loss());
        // Matryoshka levels around any loss
        TrainConfig m = TrainConfig.read(config(ok.replace("name: multiple_negatives_ranking",
                "name: multiple_negatives_ranking\n  matryoshka_dims: [384, 192, 96]\n  matryoshka_weights: [1, 1, 0.5]")));
        com.google.gson.JsonObject wrapped = MatryoshkaSettings.build(m.lossSettings(),
                s -> TrainConfig.REGISTRY.loss(m.loss(), s)).config();
        assertEquals("[384,192,96]", wrapped.get("dims").toString());
        assertEquals(20.0, wrapped.getAsJsonObject("inner").get("scale").getAsDouble());
        assertMessage("strictly decreasing", () -> TrainConfig.read(config(ok.replace("name: multiple_negatives_ranking",
                "name: multiple_negatives_ranking\n  matryoshka_dims: [96, 192]"))));
        // PML regularizers around any loss, outside the Matryoshka levels
        TrainConfig r = TrainConfig.read(config(ok.replace("name: multiple_negatives_ranking",
                "name: multiple_negatives_ranking\n  embedding_regularizer: {power: 2, weight: 0.1}")));
        com.google.gson.JsonObject regularized = RegularizerSettings.build(r.lossSettings(),
                s -> TrainConfig.REGISTRY.loss(r.loss(), s)).config();
        assertEquals("{\"type\":\"lp\",\"p\":2,\"power\":2.0,\"weight\":0.1}",
                regularized.get("embedding_regularizer").toString());
        // any of PML's regularizers by type; sparse_centers takes its sizes from soft_triple's centres
        String softTriple = groups.replace("name: triplet_margin\n  margin: 0.1\n  distance: cosine",
                "name: soft_triple\n  centers_per_class: 4\n  weight_regularizer: {type: sparse_centers, weight: 0.2}\n"
                + "  embedding_regularizer: {type: zero_mean, weight: 0.01}").replace("miner:\n  name: batch_hard\n", "");
        TrainConfig st = TrainConfig.read(config(softTriple));
        com.google.gson.JsonObject sparse = new com.google.gson.JsonObject();
        sparse.addProperty("type", "sparse_centers");
        sparse.addProperty("num_classes", 2); // the placeholder class count of a config read without data
        sparse.addProperty("centers_per_class", 4);
        sparse.addProperty("weight", 0.2);
        assertEquals(sparse, RegularizerSettings.build(TrainConfig.withPlaceholders(st.loss(), st.lossSettings()),
                s -> TrainConfig.REGISTRY.loss(st.loss(), s)).config().get("weight_regularizer"));
        assertMessage("sparse_centers takes num_classes from the loss's centres", () -> TrainConfig.read(config(
                softTriple.replace("{type: sparse_centers,", "{type: sparse_centers, num_classes: 3,"))));
        assertMessage("unknown regularizer 'regularface'; use one of [lp, center_invariant, regular_face",
                () -> TrainConfig.read(config(softTriple.replace("sparse_centers", "regularface"))));
        assertMessage("unknown key 'p' under embedding_regularizer; the zero_mean regularizer takes type, weight",
                () -> TrainConfig.read(config(softTriple.replace("type: zero_mean,", "type: zero_mean, p: 2,"))));
        assertMessage("has no class weights", () -> TrainConfig.read(config(ok.replace("name: multiple_negatives_ranking",
                "name: multiple_negatives_ranking\n  weight_regularizer: {weight: 0.1}"))));
        assertMessage("unknown key 'norm' under embedding_regularizer", () -> TrainConfig.read(config(ok.replace(
                "name: multiple_negatives_ranking", "name: multiple_negatives_ranking\n  embedding_regularizer: {norm: 2}"))));
        assertMessage("model.head is 'mlp'; valid values: [skip_connection",
                () -> TrainConfig.read(config(ok.replace("head: skip_connection", "head: mlp"))));
        assertMessage("missing output", () -> TrainConfig.read(config(ok.replace("output: out\n", ""))));
        assertMessage("trainer.ema_decay must be in [0, 1)",
                () -> TrainConfig.read(config(ok.replace("epochs: 2", "epochs: 2\n  ema_decay: 1"))));
        assertEquals(0.99, TrainConfig.read(config(ok.replace("epochs: 2", "epochs: 2\n  ema_decay: 0.99"))).emaDecay());
        assertTrue(TrainConfig.read(config(ok.replace("epochs: 2", "epochs: 2\n  tensorboard: true"))).tensorBoard());
        assertMessage("tensorboard", () -> TrainConfig.read(config(ok.replace("epochs: 2", "epochs: 2\n  tensorboard: 3"))));
        assertMessage("trainer.epochs must be an integer >= 1",
                () -> TrainConfig.read(config(ok.replace("epochs: 2", "epochs: zero"))));
        assertMessage("unknown key [extra]", () -> TrainConfig.read(config(ok + "extra: 1\n")));
        assertMessage("not valid YAML", () -> TrainConfig.read(config("model: [unclosed\n")));
    }

    /** Runs the tool, returning the exit status and what it printed to stderr and stdout. */
    static String[] runCaptured(String... args) {
        PrintStream err = System.err;
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setErr(both);
        System.setOut(both);
        try {
            int status = QuaterionCli.run(args);
            return new String[] {String.valueOf(status), captured.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
    }

    private static void assertOneLineError(String expected, String... args) {
        String[] r = runCaptured(args);
        assertEquals("2", r[0], "exit status 2 for " + List.of(args) + ": " + r[1]);
        assertTrue(r[1].contains(expected), "output should contain '" + expected + "': " + r[1]);
        assertTrue(!r[1].contains("\tat org.") && r[1].strip().lines().count() == 1, "one line, no stack trace: "
                + r[1]);
        assertTrue(r[1].startsWith("error: "), "every error line has the same prefix: " + r[1]);
    }

    @Test
    void helpWorksForEveryCommand() {
        for (String cmd : new String[] {"train", "evaluate", "encode", "index", "search", "cache"}) {
            String[] r = runCaptured(cmd, "--help");
            assertEquals("0", r[0], cmd + " --help: " + r[1]);
            assertTrue(r[1].contains("Usage: quaterion " + cmd), r[1]);
        }
        String[] train = runCaptured("help", "train");
        assertEquals("0", train[0], train[1]);
        assertTrue(train[1].contains("docs/cli.md") && train[1].contains("batch_size"), "train's help shows the YAML "
                + "keys: " + train[1]);
        assertEquals("0", runCaptured("help")[0]);
    }

    @Test
    void badInputIsOneLineWithExitTwoBeforeAnyWork() throws Exception {
        Files.writeString(tmp.resolve("pairs.jsonl"), "{\"obj_a\": \"a\", \"obj_b\": \"b\"}\n".repeat(4));
        Files.writeString(tmp.resolve("a-file"), "not a directory");
        String ok = "model:\n  encoder: minilm-int8\ndata:\n  kind: pairs\n  train: missing.jsonl\nloss: {}\n";
        // the output is checked first: no cache fill, no epoch, not even the missing data is reached
        assertOneLineError("cannot create the output directory", "train", "--config",
                config(ok + "output: a-file/out\n").toString());
        assertOneLineError("no training data file", "train", "--config", config(ok + "output: out\n").toString());
        assertOneLineError("--rerank works on group retrieval", "evaluate", "--model", tmp.toString(), "--data",
                tmp.resolve("pairs.jsonl").toString(), "--rerank", "alpha-qe");
        assertOneLineError("--knn takes k >= 1 on group data", "evaluate", "--model", tmp.toString(), "--data",
                tmp.resolve("pairs.jsonl").toString(), "--knn", "5");
        assertOneLineError("key 1 under model is not a name", "train", "--config",
                config(ok.replace("model:\n", "model:\n  1: x\n") + "output: out\n").toString());
        assertOneLineError("model.onnx is read only with model.encoder: onnx", "train", "--config",
                config(ok.replace("model:\n", "model:\n  onnx: {model: m.onnx}\n") + "output: out\n").toString());
        Files.writeString(tmp.resolve("m.onnx"), "garbage");
        Files.writeString(tmp.resolve("tok.json"), "{\"not\": \"a tokenizer\"}");
        assertOneLineError("tokenizer file", "train", "--config", config("model:\n  encoder: onnx\n  onnx:\n"
                + "    model: m.onnx\n    tokenizer: tok.json\ndata:\n  kind: pairs\n  train: pairs.jsonl\n"
                + "loss: {}\ntrainer:\n  epochs: 1\n  batch_size: 2\noutput: out2\n").toString());
        assertOneLineError("is a directory", "encode", "--model", tmp.toString(), "--input", tmp.toString(),
                "--output", tmp.resolve("v.jsonl").toString());
        Files.writeString(tmp.resolve("texts.jsonl"), "{\"text\": \"ok\"}\n{\"title\": \"no text\"}\n");
        Path model = tmp.resolve("model");
        try (org.quaterion.models.SimilarityModel<String> m = org.quaterion.models.SimilarityModel.<String>builder()
                .addEncoder("text", org.quaterion.onnx.MiniLm.int8())
                .setHead(new org.quaterion.models.heads.EmptyHead(384)).build()) {
            m.save(model);
        }
        assertOneLineError("texts.jsonl line 2: no string \"text\"", "encode", "--model", model.toString(),
                "--input", tmp.resolve("texts.jsonl").toString(), "--output", tmp.resolve("v.jsonl").toString());
        assertOneLineError("cannot write an output to the file-system root", "encode", "--model", model.toString(),
                "--input", tmp.resolve("texts.jsonl").toString(), "--output", "/");
        Path damaged = tmp.resolve("damaged");
        try (var files = Files.walk(model)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = damaged.resolve(model.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.writeString(damaged.resolve("config.json"), "{\"format\": \"quaterion-similarity-model\", tru");
        Files.writeString(tmp.resolve("ok.txt"), "a text\n");
        String[] corrupt = runCaptured("encode", "--model", damaged.toString(), "--input",
                tmp.resolve("ok.txt").toString(), "--output", tmp.resolve("v2.jsonl").toString());
        assertEquals("3", corrupt[0], "a damaged model exits 3: " + corrupt[1]);
        assertTrue(corrupt[1].contains("error: damaged file:"), corrupt[1]);
        Path mydocs = Files.createDirectories(tmp.resolve("mydocs"));
        Files.writeString(mydocs.resolve("thesis.tex"), "precious");
        assertOneLineError("was not written by Quaterion", "index", "--model", model.toString(), "--input",
                tmp.resolve("texts.jsonl").toString(), "--index", mydocs.toString());
        assertEquals("precious", Files.readString(mydocs.resolve("thesis.tex")), "the user's folder is untouched");
    }

    @Test
    void everyCommandChecksItsInputsAndReadsJsonLinesBeforeTheModelLoads() throws Exception {
        // a damaged model: any command that loaded it would exit 3, so exit 2 about the input shows the input was
        // checked first
        Path damaged = Files.createDirectories(tmp.resolve("damaged"));
        Files.writeString(damaged.resolve("config.json"), "{\"format\": \"quaterion-similarity-model\", tru");
        String model = damaged.toString();
        String[] corrupt = runCaptured("encode", "--model", model, "--input", write("ok.txt", "a text\n"),
                "--output", tmp.resolve("v.jsonl").toString());
        assertEquals("3", corrupt[0], "the model is damaged: " + corrupt[1]);
        // a malformed JSON line: exit 2, the file and the line, no stack trace, in every command that reads JSONL
        String badKeyed = write("keyed.jsonl", "{\"key\": \"a\", \"record\": \"x\"}\n{\"key\": \"b\", \"record\": tru\n");
        assertOneLineError(badKeyed + " line 2 is not valid JSON", "cache", "--model", model, "--input", badKeyed,
                "--output", tmp.resolve("cache").toString());
        String badPairs = write("pairs.jsonl", "{\"obj_a\": \"a\", \"obj_b\": \"b\"}\n{\"obj_a\": \"c\", \"obj_b\"\n");
        assertOneLineError(badPairs + " line 2 is not valid JSON", "evaluate", "--model", model, "--data", badPairs);
        String badTexts = write("texts.jsonl", "{\"text\": \"a\"}\n{\"text\": \"b\"\n");
        assertOneLineError(badTexts + " line 2 is not valid JSON", "encode", "--model", model, "--input", badTexts,
                "--output", tmp.resolve("v.jsonl").toString());
        assertOneLineError(badTexts + " line 2 is not valid JSON", "index", "--model", model, "--input", badTexts,
                "--index", tmp.resolve("index").toString());
        assertOneLineError(badPairs + " line 2 is not valid JSON", "train", "--config", config("model: {}\ndata:\n"
                + "  kind: pairs\n  train: pairs.jsonl\nloss: {}\noutput: out\n").toString());
        // records the cache cannot use, with their line
        String notText = write("object.jsonl", "{\"key\": \"a\", \"record\": {\"x\": 1}}\n");
        assertOneLineError(notText + " line 1: 'record' must be text or an array of numbers", "cache", "--model",
                model, "--input", notText, "--output", tmp.resolve("cache").toString());
        // missing files are named before the model loads
        assertOneLineError("no data file " + tmp.resolve("missing.jsonl"), "evaluate", "--model", model, "--data",
                tmp.resolve("missing.jsonl").toString());
        assertOneLineError("no input file " + tmp.resolve("missing.jsonl"), "cache", "--model", model, "--input",
                tmp.resolve("missing.jsonl").toString(), "--output", tmp.resolve("cache").toString());
        assertOneLineError("--kind must be pairs or groups", "evaluate", "--model", model, "--data", badPairs,
                "--kind", "triples");
        assertOneLineError("-k must be >= 1", "search", "--model", model, "--index", tmp.toString(), "-k", "0", "q");
        // option errors: the same prefix, one line, exit 2
        assertOneLineError("Missing required options: '--input=<input>', '--output=<output>'; see `quaterion encode "
                + "--help`", "encode", "--model", model);
        assertOneLineError("Unknown option: '--bogus'", "cache", "--model", model, "--input", badKeyed, "--output",
                tmp.resolve("cache").toString(), "--bogus");
    }

    private String write(String name, String text) throws Exception {
        Path file = tmp.resolve(name);
        Files.writeString(file, text);
        return file.toString();
    }

    @Test
    void trainHelpAndTheDocsListEveryConfigKeyTheParserAccepts() throws Exception {
        String ok = "model:\n  encoder: minilm-int8\n  head: skip_connection\nloss:\n  name: multiple_negatives_ranking\n"
                + "data:\n  kind: pairs\n  train: pairs.jsonl\ntrainer:\n  epochs: 2\ncache:\n  dir: c\noutput: out\n";
        // the keys the parser accepts, section by section, from its own list of valid keys
        java.util.Map<String, List<String>> accepted = new java.util.LinkedHashMap<>();
        accepted.put("root", validKeys(ok + "zz_unknown: 1\n"));
        accepted.put("model", validKeys(ok.replace("model:\n", "model:\n  zz_unknown: 1\n")));
        accepted.put("model.onnx", validKeys(ok.replace("encoder: minilm-int8", "encoder: onnx\n  onnx: {model: m.onnx, "
                + "tokenizer: t.json, zz_unknown: 1}")));
        accepted.put("model.transformer", validKeys(ok.replace("encoder: minilm-int8", "encoder: transformer\n  "
                + "transformer: {source: minilm, zz_unknown: 1}").replace("cache:\n  dir: c\n", "")));
        accepted.put("model.transformer.lora", validKeys(ok.replace("encoder: minilm-int8", "encoder: transformer\n  "
                + "transformer: {source: minilm, lora: {rank: 2, zz_unknown: 1}}").replace("cache:\n  dir: c\n", "")));
        accepted.put("model.prompts", validKeys(ok.replace("model:\n", "model:\n  prompts: {query: q, zz_unknown: 1}\n")));
        accepted.put("data", validKeys(ok.replace("data:\n", "data:\n  zz_unknown: 1\n")));
        accepted.put("trainer", validKeys(ok.replace("trainer:\n", "trainer:\n  zz_unknown: 1\n")));
        accepted.put("cache", validKeys(ok.replace("cache:\n", "cache:\n  zz_unknown: 1\n")));
        accepted.put("evaluator", validKeys(ok + "evaluator:\n  beir: b\n  zz_unknown: 1\n"));
        // loss and miner settings are each component's own (checked by the registry); the tool's own keys:
        accepted.put("loss", List.of("name", MatryoshkaSettings.DIMS, MatryoshkaSettings.WEIGHTS,
                RegularizerSettings.EMBEDDING, RegularizerSettings.WEIGHT));
        assertTrue(accepted.get("trainer").containsAll(List.of("ema_decay", "tensorboard")), accepted.toString());

        String[] help = runCaptured("train", "--help");
        assertEquals("0", help[0], help[1]);
        String doc = Files.readString(Path.of("..", "docs", "cli.md")); // from the module directory
        String yaml = doc.substring(doc.indexOf("```yaml\n", doc.indexOf("## The config")) + 8);
        yaml = yaml.substring(0, yaml.indexOf("```"));
        for (var section : accepted.entrySet()) {
            for (String key : section.getValue()) {
                assertTrue(java.util.regex.Pattern.compile("\\b" + key + "\\b").matcher(help[1]).find(),
                        "train --help lists " + section.getKey() + " key " + key + ":\n" + help[1]);
                assertTrue(java.util.regex.Pattern.compile("\\b" + key + ":").matcher(yaml).find(),
                        "docs/cli.md's config lists " + section.getKey() + " key " + key);
            }
        }
        // and the documented config is one the parser accepts as it stands
        TrainConfig documented = TrainConfig.read(config(yaml));
        assertEquals(0.0, documented.emaDecay());
        assertTrue(!documented.tensorBoard());
    }

    /** The keys an unknown-key message lists as valid. */
    private List<String> validKeys(String yaml) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.read(
                config(yaml)));
        assertTrue(e.getMessage().startsWith("unknown key") && e.getMessage().contains("zz_unknown"), e.getMessage());
        String list = e.getMessage().substring(e.getMessage().lastIndexOf('[') + 1, e.getMessage().lastIndexOf(']'));
        return List.of(list.split(", "));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertTrue(e.getMessage().contains(expected), "message: " + e.getMessage());
    }

    /** A BEIR directory of the pairs: definitions query the words; one query is judged without a relevant word. */
    private Path beir() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("beir/qrels"));
        List<String> corpus = new ArrayList<>();
        List<String> queries = new ArrayList<>();
        List<String> qrels = new ArrayList<>(List.of("query-id\tcorpus-id\tscore"));
        for (int i = 0; i < PAIRS.length; i++) {
            corpus.add("{\"_id\": \"w" + i + "\", \"title\": \"\", \"text\": \"" + PAIRS[i][1] + "\"}");
            queries.add("{\"_id\": \"q" + i + "\", \"text\": \"" + PAIRS[i][0] + "\"}");
            qrels.add("q" + i + "\tw" + i + "\t" + (i == 0 ? 0 : 1));
        }
        Files.write(tmp.resolve("beir/corpus.jsonl"), corpus);
        Files.write(tmp.resolve("beir/queries.jsonl"), queries);
        Files.write(dir.resolve("test.tsv"), qrels);
        return tmp.resolve("beir");
    }

    @Test
    void trainFineTunesATransformerFromYaml() throws Exception {
        List<String> lines = new ArrayList<>();
        for (String[] p : PAIRS) {
            lines.add("{\"obj_a\": \"" + p[0] + "\", \"obj_b\": \"" + p[1] + "\"}");
        }
        Files.write(tmp.resolve("pairs.jsonl"), lines);
        beir();
        String body = "model:\n  encoder: transformer\n  head: skip_connection\n"
                + "  transformer:\n    source: minilm\n    max_length: 16\n"
                + "    lora: {rank: 2, targets: [query, value], layers: [5]}\n"
                + "    learning_rates: {layers: 1, head: 10}\n"
                + "  prompts: {query: 'query: ', document: 'passage: '}\n"
                + "loss:\n  name: multiple_negatives_ranking\n"
                + "data:\n  kind: pairs\n  train: pairs.jsonl\n  negatives: 1\n"
                + "trainer:\n  epochs: 1\n  batch_size: 4\n  learning_rate: 0.001\n  sampler: no_duplicates\n"
                + "evaluator:\n  beir: beir\noutput: out\n";
        TrainConfig parsed = TrainConfig.read(config(body));
        assertEquals(new TransformerSettings("minilm", null, null, 16, 0, false, new org.quaterion.onnx.transformer
                .LoraConfig(2, 4, 0, java.util.EnumSet.of(org.quaterion.onnx.transformer.LoraConfig.Target.QUERY,
                        org.quaterion.onnx.transformer.LoraConfig.Target.VALUE), java.util.Set.of(5)),
                java.util.Map.of("layers", 1.0, "head", 10.0)), parsed.transformer());
        assertMessage("cache keeps a frozen encoder's outputs, but the transformer is fine-tuned", () -> TrainConfig
                .read(config(body.replace("evaluator:", "cache:\n  dir: c\nevaluator:"))));

        String[] train = runCaptured("train", "--config", config(body).toString());
        assertEquals("0", train[0], train[1]);
        assertTrue(train[1].contains("mined ") && train[1].contains("best epoch 1 (ir_ndcg@10 "), train[1]);
        Path encoder = tmp.resolve("out/servable/encoders/text");
        assertTrue(Files.isRegularFile(encoder.resolve("adapter_model.safetensors")), "the servable keeps the adapters");
        try (org.quaterion.models.SimilarityModel<String> servable = org.quaterion.models.SimilarityModel.load(
                tmp.resolve("out/servable"), String.class)) {
            assertEquals(org.quaterion.models.Prompts.of("query: ", "passage: "), servable.prompts());
        }
        String[] ir = runCaptured("evaluate", "--model", tmp.resolve("out/servable").toString(), "--ir",
                tmp.resolve("beir").toString());
        assertEquals("0", ir[0], ir[1]);
    }

    @Test
    void trainRunsTheIrEvaluatorEveryEpochAndEvaluateReadsBeir() throws Exception {
        List<String> lines = new ArrayList<>();
        for (String[] p : PAIRS) {
            lines.add("{\"obj_a\": \"" + p[0] + "\", \"obj_b\": \"" + p[1] + "\"}");
        }
        Files.write(tmp.resolve("pairs.jsonl"), lines);
        Path beir = beir();
        String body = "model:\n  encoder: minilm-int8\n  head: skip_connection\n"
                + "loss:\n  name: multiple_negatives_ranking\n"
                + "data:\n  kind: pairs\n  train: pairs.jsonl\n"
                + "trainer:\n  epochs: 2\n  batch_size: 8\ncache:\n  dir: cache\n"
                + "evaluator:\n  beir: beir\n  split: test\n  monitor: mrr@10\noutput: out\n";
        TrainConfig parsed = TrainConfig.read(config(body));
        assertEquals(new EvaluatorSettings(beir, "test", "cosine", "mrr@10", 0, 32), parsed.evaluator());
        assertMessage("evaluator.monitor is 'ndcg@5'; valid values: [accuracy@1,", () -> TrainConfig.read(config(
                body.replace("monitor: mrr@10", "monitor: ndcg@5"))));
        assertMessage("evaluator.score is 'l2'; valid values: [cosine, dot]", () -> TrainConfig.read(config(
                body.replace("split: test", "score: l2"))));
        // the BEIR set is read before any work
        assertOneLineError("no judgements " + beir.resolve("qrels/dev.tsv") + " for split 'dev'; the splits in "
                + beir.resolve("qrels") + " are [test]", "train", "--config", config(body.replace("split: test",
                "split: dev")).toString());

        String[] train = runCaptured("train", "--config", config(body).toString());
        assertEquals("0", train[0], train[1]);
        assertTrue(train[1].contains("best epoch") && train[1].contains("(ir_mrr@10 "), train[1]);
        List<String> csv = Files.readAllLines(tmp.resolve("out/metrics.csv"));
        assertEquals(3, csv.size(), "a header and two epochs");
        assertTrue(csv.get(0).contains("ir_ndcg@10") && csv.get(0).contains("ir_map@100"), csv.get(0));

        String[] ir = runCaptured("evaluate", "--model", tmp.resolve("out/servable").toString(), "--ir",
                beir.toString());
        assertEquals("0", ir[0], ir[1]);
        assertTrue(ir[1].contains(beir + " split test: 15 queries (1 skipped without a relevant document), 16 "
                + "documents, exact search, cosine\nmetric\tvalue\naccuracy@1\t"), ir[1]);
        assertTrue(ir[1].contains("\nndcg@10\t") && ir[1].contains("\nmap@100\t"), ir[1]);
        assertOneLineError("give either --data FILE (pairs or groups) or --ir DIR", "evaluate", "--model",
                tmp.toString());
        assertOneLineError("--kind, --rerank and --knn go with --data", "evaluate", "--model", tmp.toString(),
                "--ir", beir.toString(), "--knn", "3");
    }

    @Test
    void encodeWithARolePrefixesTheTextsWithTheModelsPrompt() throws Exception {
        Path model = tmp.resolve("prompted");
        try (org.quaterion.models.SimilarityModel<String> m = org.quaterion.models.SimilarityModel.<String>builder()
                .addEncoder("text", org.quaterion.onnx.MiniLm.int8())
                .setHead(new org.quaterion.models.heads.EmptyHead(384)).optRecordType(String.class)
                .optPrompts(org.quaterion.models.Prompts.of("query: ", "passage: ")).build()) {
            m.save(model);
        }
        Files.writeString(tmp.resolve("texts.txt"), "frozen water\n");
        Files.writeString(tmp.resolve("prefixed.txt"), "query: frozen water\n");
        assertEquals(0, QuaterionCli.run("encode", "--model", model.toString(), "--input",
                tmp.resolve("texts.txt").toString(), "--output", tmp.resolve("queries.jsonl").toString(), "--role",
                "query"));
        // no default role: without --role the texts are encoded as given
        assertEquals(0, QuaterionCli.run("encode", "--model", model.toString(), "--input",
                tmp.resolve("prefixed.txt").toString(), "--output", tmp.resolve("plain.jsonl").toString()));
        String queries = Files.readString(tmp.resolve("queries.jsonl"));
        String plain = Files.readString(tmp.resolve("plain.jsonl"));
        assertTrue(queries.startsWith("{\"text\":\"frozen water\",\"vector\":["), queries);
        assertEquals(plain.substring(plain.indexOf("\"vector\"")), queries.substring(queries.indexOf("\"vector\"")),
                "--role query encodes \"query: \" + text");
        assertOneLineError("unknown prompt role 'passage': use query or document", "encode", "--model",
                model.toString(), "--input", tmp.resolve("texts.txt").toString(), "--output",
                tmp.resolve("x.jsonl").toString(), "--role", "passage");
    }

    @Test
    void trainEncodeIndexSearchEvaluate() throws Exception {
        List<String> lines = new ArrayList<>();
        List<String> words = new ArrayList<>();
        for (String[] p : PAIRS) {
            lines.add("{\"obj_a\": \"" + p[0] + "\", \"obj_b\": \"" + p[1] + "\"}");
            words.add(p[1]);
        }
        Files.write(tmp.resolve("pairs.jsonl"), lines);
        Files.write(tmp.resolve("words.txt"), words);
        Path cfg = config("model:\n  encoder: minilm-int8\n  head: skip_connection\n"
                + "loss:\n  name: multiple_negatives_ranking\n  symmetric: true\n"
                + "data:\n  kind: pairs\n  train: pairs.jsonl\n  validation: pairs.jsonl\n"
                + "trainer:\n  epochs: 2\n  batch_size: 8\ncache:\n  dir: cache\noutput: out\n");
        assertEquals(0, QuaterionCli.run("train", "--config", cfg.toString()));
        Path servable = tmp.resolve("out/servable");
        assertTrue(Files.isRegularFile(servable.resolve("encoders/text/model.onnx")));
        assertTrue(Files.isRegularFile(tmp.resolve("out/metrics.csv")));

        Path vectors = tmp.resolve("vectors.jsonl");
        assertEquals(0, QuaterionCli.run("encode", "--model", servable.toString(), "--input",
                tmp.resolve("words.txt").toString(), "--output", vectors.toString()));
        assertEquals(PAIRS.length, Files.readAllLines(vectors).size());
        assertTrue(Files.readAllLines(vectors).get(0).startsWith("{\"text\":\"dog\",\"vector\":["));

        Path index = tmp.resolve("index");
        assertEquals(0, QuaterionCli.run("index", "--model", servable.toString(), "--input",
                tmp.resolve("words.txt").toString(), "--index", index.toString()));
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, QuaterionCli.run("search", "--model", servable.toString(), "--index", index.toString(),
                    "-k", "3", "frozen water"));
            assertEquals(0, QuaterionCli.run("evaluate", "--model", servable.toString(), "--data",
                    tmp.resolve("pairs.jsonl").toString()));
            Files.writeString(tmp.resolve("groups.jsonl"), String.join("\n",
                    "{\"obj\": \"ice\", \"group\": 1}", "{\"obj\": \"snow\", \"group\": 1}",
                    "{\"obj\": \"frost\", \"group\": 1}", "{\"obj\": \"dog\", \"group\": 2}",
                    "{\"obj\": \"puppy\", \"group\": 2}", "{\"obj\": \"hound\", \"group\": 2}") + "\n");
            assertEquals(0, QuaterionCli.run("evaluate", "--model", servable.toString(), "--data",
                    tmp.resolve("groups.jsonl").toString(), "--kind", "groups", "--rerank", "k-reciprocal"));
            assertEquals(0, QuaterionCli.run("evaluate", "--model", servable.toString(), "--data",
                    tmp.resolve("groups.jsonl").toString(), "--kind", "groups", "--knn", "3"));
        } finally {
            System.setOut(stdout);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("frozen water\n  1. ice"), out);
        assertTrue(out.contains("map@r\t"), "groups evaluation after k-reciprocal re-ranking: " + out);
        assertTrue(out.contains("knn_accuracy@3\t"), "leave-one-out kNN accuracy: " + out);
        String[] info = runCaptured("info", servable.toString());
        assertEquals("0", info[0], info[1]);
        assertTrue(info[1].contains("multiple_negatives_ranking") && info[1].contains("\"best_epoch\"")
                && info[1].contains("\"epochs_run\": 2"), "info shows how the servable was trained: " + info[1]);
        String[] checkpointInfo = runCaptured("info", tmp.resolve("out/checkpoints/epoch-0002").toString());
        assertEquals("0", checkpointInfo[0], checkpointInfo[1]);
        assertTrue(checkpointInfo[1].contains("checkpoint") && checkpointInfo[1].contains("training:"),
                checkpointInfo[1]);
        assertTrue(out.contains("p@1\t") && out.contains("mrr\t"), out);

        List<String> keyed = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            keyed.add("{\"id\": \"w" + i + "\", \"text\": \"" + words.get(i) + "\"}");
        }
        Files.write(tmp.resolve("keyed.jsonl"), keyed);
        Path cache = tmp.resolve("word-cache");
        assertEquals(0, QuaterionCli.run("cache", "--model", servable.toString(), "--input",
                tmp.resolve("keyed.jsonl").toString(), "--key-column", "id", "--record-column", "text", "--output",
                cache.toString()));
        org.quaterion.cache.CacheManifest manifest = org.quaterion.cache.CacheManifest.read(cache);
        assertEquals(words.size(), manifest.rows());
        assertEquals("text", manifest.encoder());
        assertEquals(2, QuaterionCli.run("cache", "--spark", "--model", servable.toString(), "--input",
                tmp.resolve("keyed.jsonl").toString(), "--output", tmp.resolve("c2").toString()),
                "without Spark on the class path, --spark is a clear error");

        assertEquals(2, QuaterionCli.run("search", "--model", tmp.resolve("nope").toString(), "--index",
                index.toString(), "x"), "a missing model is a clear error, status 2");
        assertEquals(2, QuaterionCli.run("train", "--config", config("model: {}\n").toString()));
    }
}
