package org.quaterion.train;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Appends one row per epoch to {@code metrics.csv} or {@code metrics.jsonl} in the output directory. */
final class MetricsLog {

    private final Path file;
    private final TrainerConfig.MetricsFormat format;
    private final List<String> columns;

    MetricsLog(Path dir, TrainerConfig.MetricsFormat format, List<String> columns) {
        this.format = format;
        this.columns = columns;
        this.file = dir.resolve(format == TrainerConfig.MetricsFormat.CSV ? "metrics.csv" : "metrics.jsonl");
    }

    void append(Map<String, Double> row) {
        StringBuilder line = new StringBuilder();
        try {
            Files.createDirectories(file.getParent());
            if (format == TrainerConfig.MetricsFormat.CSV) {
                if (!Files.exists(file)) {
                    line.append(String.join(",", columns)).append('\n');
                }
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
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics to " + file, e);
        }
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.8g", v);
    }
}
