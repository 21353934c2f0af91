package org.quaterion.dataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * OpenMetricLearning's dataset CSV: columns {@code label} (integer), {@code path}, {@code split} ({@code train} or
 * {@code validation}), {@code is_query} and {@code is_gallery} (empty for train rows, true/false or 1/0 for
 * validation rows) and optional {@code category}. Other columns are kept by name.
 */
public final class OmlCsv {

    /**
     * One row.
     *
     * @param label the class
     * @param path the item's path (or text)
     * @param split {@code train} or {@code validation}
     * @param isQuery whether it queries (validation rows)
     * @param isGallery whether it is in the gallery (validation rows)
     * @param category the category, or null
     * @param extra other columns by name
     */
    public record Row(long label, String path, String split, boolean isQuery, boolean isGallery, String category,
            Map<String, String> extra) {}

    private static final List<String> REQUIRED = List.of("label", "path", "split", "is_query", "is_gallery");

    private OmlCsv() {}

    /**
     * Reads and validates a file.
     *
     * @param file the CSV file with a header row
     * @return the rows
     * @throws IOException when reading fails
     */
    public static List<Row> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + " is empty: an OML CSV needs a header " + REQUIRED);
        }
        List<String> header = parseLine(lines.get(0));
        for (String column : REQUIRED) {
            if (!header.contains(column)) {
                throw new IllegalArgumentException(file + " lacks the column '" + column + "'; OML CSVs need "
                        + REQUIRED + " (and optionally category)");
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            if (lines.get(n).isBlank()) {
                continue;
            }
            List<String> cells = parseLine(lines.get(n));
            if (cells.size() != header.size()) {
                throw new IllegalArgumentException(file + " line " + (n + 1) + " has " + cells.size()
                        + " cells for " + header.size() + " columns");
            }
            Map<String, String> byName = new HashMap<>();
            for (int c = 0; c < header.size(); c++) {
                byName.put(header.get(c), cells.get(c));
            }
            rows.add(row(byName, file, n + 1));
        }
        return rows;
    }

    private static Row row(Map<String, String> cells, Path file, int line) {
        String where = file + " line " + line + ": ";
        long label;
        try {
            label = Long.parseLong(cells.get("label").trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + "label must be an integer, got '" + cells.get("label") + "'");
        }
        String split = cells.get("split").trim();
        if (!split.equals("train") && !split.equals("validation")) {
            throw new IllegalArgumentException(where + "split must be train or validation, got '" + split + "'");
        }
        boolean query = flag(cells.get("is_query"), where + "is_query");
        boolean gallery = flag(cells.get("is_gallery"), where + "is_gallery");
        if (split.equals("validation") && !query && !gallery) {
            throw new IllegalArgumentException(where + "a validation row must be a query, a gallery item or both");
        }
        Map<String, String> extra = new HashMap<>(cells);
        REQUIRED.forEach(extra::remove);
        String category = extra.remove("category");
        return new Row(label, cells.get("path"), split, query, gallery,
                category == null || category.isBlank() ? null : category, Map.copyOf(extra));
    }

    private static boolean flag(String value, String what) {
        String v = value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT);
        switch (v) {
            case "":
            case "none":
            case "false":
            case "0":
            case "0.0":
                return false;
            case "true":
            case "1":
            case "1.0":
                return true;
            default:
                throw new IllegalArgumentException(what + " must be true/false, 1/0 or empty, got '" + value + "'");
        }
    }

    /** Splits a CSV line, honouring double quotes ({@code ""} inside quotes is a quote). */
    static List<String> parseLine(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        out.add(cell.toString());
        return out;
    }

    /**
     * Group samples of one split, the record read from each row by {@code object}.
     *
     * @param rows the rows
     * @param split {@code train} or {@code validation}
     * @param object row → record (e.g. load the image at {@code path})
     * @param <T> record type
     * @return the samples in file order
     */
    public static <T> List<SimilarityGroupSample<T>> groups(List<Row> rows, String split, Function<Row, T> object) {
        List<SimilarityGroupSample<T>> out = new ArrayList<>();
        for (Row r : rows) {
            if (r.split().equals(split)) {
                out.add(new SimilarityGroupSample<>(object.apply(r), r.label()));
            }
        }
        return out;
    }

    /**
     * The query and gallery flags of the validation rows, in file order (for
     * {@link org.quaterion.eval.RetrievalProtocol#queryGallery}).
     *
     * @param rows the rows
     * @return {@code [0]} is_query, {@code [1]} is_gallery
     */
    public static boolean[][] validationFlags(List<Row> rows) {
        List<Row> validation = rows.stream().filter(r -> r.split().equals("validation")).toList();
        boolean[] q = new boolean[validation.size()];
        boolean[] g = new boolean[validation.size()];
        for (int i = 0; i < q.length; i++) {
            q[i] = validation.get(i).isQuery();
            g[i] = validation.get(i).isGallery();
        }
        return new boolean[][] {q, g};
    }
}
