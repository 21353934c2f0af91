package org.quaterion.eval.ir;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.quaterion.dataset.Datasets;

/** Reads BEIR's directory layout into an {@link IrDataset}. */
final class BeirFiles {

    private BeirFiles() {}

    static IrDataset read(Path dir, String split) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no BEIR dataset directory " + dir + ": give the directory that holds "
                    + "corpus.jsonl, queries.jsonl and qrels/<split>.tsv");
        }
        if (split == null || split.isBlank() || split.contains("/") || split.contains("\\")) {
            throw new IllegalArgumentException("the split must be a qrels file name such as test, dev or train, got "
                    + split);
        }
        Path corpus = require(dir.resolve("corpus.jsonl"), "corpus");
        Path queries = require(dir.resolve("queries.jsonl"), "queries");
        Path qrels = dir.resolve("qrels").resolve(split + ".tsv");
        if (!Files.isRegularFile(qrels)) {
            throw new IllegalArgumentException("no judgements " + qrels + " for split '" + split + "'; the splits in "
                    + dir.resolve("qrels") + " are " + splits(dir.resolve("qrels")));
        }
        IrDataset.Builder builder = IrDataset.builder().source(dir.toString());
        Datasets.readJsonl(corpus, o -> builder.addDocument(id(o), IrDataset.documentText(optionalString(o,
                "title"), string(o, "text"))));
        Datasets.readJsonl(queries, o -> builder.addQuery(id(o), string(o, "text")));
        readQrels(qrels, builder);
        return builder.build();
    }

    private static Path require(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no " + what + " file " + file + ": a BEIR directory holds "
                    + "corpus.jsonl, queries.jsonl and qrels/<split>.tsv");
        }
        return file;
    }

    private static List<String> splits(Path qrelsDir) throws IOException {
        if (!Files.isDirectory(qrelsDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(qrelsDir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tsv"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
        }
    }

    /** The {@code _id} of a line: a string, or a number written as it is. */
    private static String id(JsonObject o) {
        JsonElement id = o.get("_id");
        if (id == null || !id.isJsonPrimitive() || id.getAsString().isEmpty()) {
            throw new IllegalArgumentException("no \"_id\" (each line needs {\"_id\": \"...\", \"text\": \"...\"})");
        }
        return id.getAsString();
    }

    private static String string(JsonObject o, String key) {
        String value = optionalString(o, key);
        if (value == null) {
            throw new IllegalArgumentException("no string \"" + key + "\" for _id " + o.get("_id"));
        }
        return value;
    }

    private static String optionalString(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException("\"" + key + "\" must be a string, got " + e);
        }
        return e.getAsString();
    }

    /** {@code query-id \t corpus-id \t score} lines after an optional header. */
    private static void readQrels(Path file, IrDataset.Builder builder) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            boolean first = true;
            for (String line = readLine(reader, file, 1); line != null; line = readLine(reader, file, number + 1)) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split("\t", -1);
                if (first && fields.length == 3 && fields[0].strip().equals("query-id")) {
                    first = false;
                    continue;
                }
                first = false;
                if (fields.length != 3) {
                    throw new IllegalArgumentException(file + " line " + number + " has " + fields.length
                            + " tab-separated fields; BEIR judgements are 'query-id<TAB>corpus-id<TAB>score'");
                }
                int grade;
                try {
                    grade = Integer.parseInt(fields[2].strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + " line " + number + ": the score '" + fields[2]
                            + "' is not an integer; give a grade such as 0, 1 or 2", e);
                }
                try {
                    builder.addJudgement(fields[0].strip(), fields[1].strip(), grade);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + " line " + number + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private static String readLine(BufferedReader reader, Path file, int number) throws IOException {
        try {
            return reader.readLine();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + " line " + number + " is not UTF-8 text; save the file as "
                    + "UTF-8", e);
        }
    }
}
