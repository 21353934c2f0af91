package org.quaterion.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.quaterion.models.Prompts;
import org.quaterion.models.SimilarityModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quaterion encode --model DIR --input FILE --output FILE}. */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Encode texts (one per line, or JSONL {text}) to JSONL vectors.")
final class EncodeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "the servable directory")
    Path model;

    @Option(names = "--input", required = true, description = "texts, one per line or JSONL with \"text\"")
    Path input;

    @Option(names = "--output", required = true, description = "JSONL lines {\"text\": …, \"vector\": […]}")
    Path output;

    @Option(names = "--batch-size", defaultValue = "64", description = "texts per forward pass")
    int batchSize;

    @Option(names = "--role", description = "query or document: prefix each text with the model's prompt for that "
            + "role (default: the model's default role, or no prefix)")
    String role;

    @Override
    public Integer call() throws IOException {
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        CliInputs.requireWritableDirectory(CliInputs.parentOf(output), "output");
        if (Files.isDirectory(output)) {
            throw new IllegalArgumentException("output " + output + " is a directory; give a file name");
        }
        Prompts.Role promptRole = role == null ? null : Prompts.Role.of(role);
        List<String> texts = CliInputs.texts(input);
        try (SimilarityModel<String> m = CliInputs.load(model)) {
            float[][] vectors = promptRole == null ? m.encode(texts, batchSize) : m.encode(promptRole, texts,
                    batchSize);
            Path tmp = output.resolveSibling(output.getFileName() + ".tmp");
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
                    PrintWriter p = new PrintWriter(w)) {
                for (int i = 0; i < texts.size(); i++) {
                    com.google.gson.JsonObject line = new com.google.gson.JsonObject();
                    line.addProperty("text", texts.get(i));
                    com.google.gson.JsonArray v = new com.google.gson.JsonArray();
                    for (float x : vectors[i]) {
                        v.add(x);
                    }
                    line.add("vector", v);
                    p.println(line);
                }
            }
            Files.move(tmp, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        System.out.printf(Locale.ROOT, "encoded %d texts to %s%n", texts.size(), output);
        return 0;
    }
}
