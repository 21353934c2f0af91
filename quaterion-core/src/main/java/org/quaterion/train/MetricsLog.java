package org.quaterion.train;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Appends one row per epoch to {@code metrics.csv} or {@code metrics.jsonl} in the output directory. */
final class MetricsLog {

    private final Path file;
    private final TrainerConfig.MetricsFormat format;
    private final List<String> columns;

    MetricsLog(Path file, TrainerConfig.MetricsFormat format, List<String> columns) {
        this.format = format;
        this.columns = columns;
        this.file = file;
    }

    void append(Map<String, Double> row) {
        StringBuilder text = new StringBuilder();
        try {
            Files.createDirectories(Objects.requireNonNull(file.toAbsolutePath().getParent())); // never the root
            if (format == TrainerConfig.MetricsFormat.CSV && !Files.exists(file)) {
                text.append(String.join(",", columns)).append('\n');
            }
            line(row, text);
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics to " + file, e);
        }
    }

    /**
     * Replaces the file with exactly {@code rows} (a resume's history), written to a temporary name and renamed, so
     * that rows of epochs after the resumed checkpoint are dropped instead of duplicated.
     */
    void rewrite(List<Map<String, Double>> rows) {
        StringBuilder text = new StringBuilder();
        if (format == TrainerConfig.MetricsFormat.CSV) {
            text.append(String.join(",", columns)).append('\n');
        }
        rows.forEach(r -> line(r, text));
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.createDirectories(Objects.requireNonNull(file.toAbsolutePath().getParent())); // never the root
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite metrics in " + file, e);
        }
    }

    private void line(Map<String, Double> row, StringBuilder line) {
        if (format == TrainerConfig.MetricsFormat.CSV) {
            for (int i = 0; i < columns.size(); i++) {
                Double v = row.get(columns.get(i));
                line.append(i == 0 ? "" : ",").append(v == null ? "" : format(v));
            }
        } else {
            JsonObject json = new JsonObject();
            for (String c : columns) {
                Double v = row.get(c);
                if (v != null && Double.isFinite(v)) {
                    json.addProperty(c, v);
                }
            }
            line.append(json);
        }
        line.append('\n');
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.8g", v);
    }
}
