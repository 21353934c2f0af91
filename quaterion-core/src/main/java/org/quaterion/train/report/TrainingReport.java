package org.quaterion.train.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.quaterion.classify.ClassificationReport;

/**
 * A self-contained {@code report.html} (XHTML with inline SVG: no scripts, no network): what was trained, a chart per
 * quantity (train and validation together, axes, the best epoch marked), the epoch table (first, best and last rows,
 * the rest folded), PCA and t-SNE maps of sample embeddings with a legend and hover titles, for group data the
 * confusion matrix of a leave-one-out kNN classification, and for text records their nearest neighbours. Written
 * atomically.
 */
public final class TrainingReport {

    /** Points of the t-SNE map (exact t-SNE is O(n²) per step) and its steps. */
    private static final int TSNE_POINTS = 500;
    private static final int TSNE_ITERATIONS = 300;
    /** Groups with their own colour in the maps (the largest); the rest are grey. */
    private static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#bcbd22", "#17becf", "#7f3f00"};
    private static final String GREY = "#bbbbbb";

    private TrainingReport() {}

    /**
     * What the page shows.
     *
     * @param title the report title
     * @param header what was trained: (label, value) rows
     * @param epochs the epoch table, as {@code FitResult.epochs()}
     * @param bestEpoch the row of the best (restored) epoch in {@code epochs} (0-based), or -1
     * @param monitor the early-stopping monitor, or null
     * @param embeddings sample embeddings {@code [n][d]} (may be empty)
     * @param groups the colour group of each sample (its group; for pairs, its pair)
     * @param titles a hover title per sample (the record's text or key)
     * @param text whether the titles are the records' texts (then the neighbour table is shown)
     * @param knn the leave-one-out kNN classification of the samples (group data), or null
     * @param metricsFile the metrics file's name next to the report, or null
     */
    public record Page(String title, List<String[]> header, List<Map<String, Double>> epochs, int bestEpoch, String monitor,
            float[][] embeddings, long[] groups, String[] titles, boolean text, ClassificationReport knn,
            String metricsFile) {}

    /**
     * Writes the report.
     *
     * @param file the HTML file (replaced)
     * @param page what it shows
     * @throws IOException when writing fails
     */
    public static void write(Path file, Page page) throws IOException {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><meta charset=\"utf-8\"/>"
                + "<title>").append(escape(page.title())).append("</title><style>body{font-family:sans-serif;margin:2em;"
                + "color:#222}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
                + "text-align:right}th{background:#f6f6f6}figure{display:inline-block;margin:0 1em 1em 0}"
                + "figcaption{font-size:12px;color:#555;max-width:440px}.hit{color:#2a2}.miss{color:#c22}"
                + ".swatch{display:inline-block;width:10px;height:10px;margin-right:4px}</style></head><body>")
                .append("<h1>").append(escape(page.title())).append("</h1>");
        if (!page.header().isEmpty()) {
            html.append("<table class=\"header\">");
            for (String[] row : page.header()) {
                html.append("<tr><th style=\"text-align:left\">").append(escape(row[0])).append("</th><td style=\""
                        + "text-align:left\">").append(escape(row[1])).append("</td></tr>");
            }
            html.append("</table>");
        }
        Set<String> keys = new LinkedHashSet<>();
        page.epochs().forEach(e -> keys.addAll(e.keySet()));
        html.append("<h2>Curves</h2>");
        for (Map.Entry<String, List<String>> q : ReportCharts.quantities(keys).entrySet()) {
            html.append(ReportCharts.chart(q.getKey(), q.getValue(), page.epochs(), page.bestEpoch(),
                    k -> k.contains("loss")));
        }
        html.append(table(page, keys));
        if (page.embeddings().length >= 3) {
            html.append(maps(page));
        }
        if (page.knn() != null) {
            html.append(confusion(page.knn()));
        }
        if (page.text() && page.embeddings().length >= 6) {
            html.append(neighbours(page));
        }
        html.append("</body></html>\n");
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.createDirectories(Objects.requireNonNull(file.toAbsolutePath().getParent())); // never the root
        Files.writeString(tmp, html, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The epoch table: the first 3, the best and the last 3 rows shown, the others folded. */
    private static String table(Page page, Set<String> keys) {
        StringBuilder t = new StringBuilder("<h2>Epochs</h2>");
        if (page.metricsFile() != null) {
            t.append("<p>Every value: <a href=\"").append(escape(page.metricsFile())).append("\">")
                    .append(escape(page.metricsFile())).append("</a></p>");
        }
        StringBuilder headerRow = new StringBuilder("<tr>");
        keys.forEach(k -> headerRow.append("<th>").append(escape(k)).append("</th>"));
        headerRow.append("</tr>");
        List<Map<String, Double>> epochs = page.epochs();
        int n = epochs.size();
        Set<Integer> shown = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            if (i < 3 || i >= n - 3 || i == page.bestEpoch()) {
                shown.add(i);
            }
        }
        t.append("<table class=\"epochs\">").append(headerRow);
        for (int i = 0; i < n; i++) {
            if (shown.contains(i)) {
                t.append(row(epochs.get(i), keys, i == page.bestEpoch()));
            }
        }
        t.append("</table>");
        if (shown.size() < n) {
            t.append("<details><summary>all ").append(n).append(" epochs</summary><table class=\"epochs-all\">")
                    .append(headerRow);
            for (int i = 0; i < n; i++) {
                t.append(row(epochs.get(i), keys, i == page.bestEpoch()));
            }
            t.append("</table></details>");
        }
        return t.toString();
    }

    private static String row(Map<String, Double> e, Set<String> keys, boolean best) {
        StringBuilder r = new StringBuilder(best ? "<tr style=\"background:#eaf7ea\" title=\"best epoch\">" : "<tr>");
        for (String k : keys) {
            Double v = e.get(k);
            r.append("<td>").append(v == null ? "" : ReportCharts.format(v)).append("</td>");
        }
        return r.append("</tr>").toString();
    }

    /** PCA and t-SNE maps side by side, with a legend of the largest groups. */
    private static String maps(Page page) {
        float[][] embeddings = page.embeddings();
        long[] groups = page.groups();
        Map<Long, Integer> sizes = new LinkedHashMap<>();
        for (long g : groups) {
            sizes.merge(g, 1, Integer::sum);
        }
        List<Map.Entry<Long, Integer>> largest = new ArrayList<>(sizes.entrySet());
        largest.sort(Map.Entry.<Long, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<Long, String> colour = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(PALETTE.length, largest.size()); i++) {
            colour.put(largest.get(i).getKey(), PALETTE[i]);
        }
        StringBuilder out = new StringBuilder("<h2>Embeddings (").append(embeddings.length).append(" samples)</h2>")
                .append("<div>");
        double[][] pca = pca(embeddings);
        out.append("<figure>").append(scatter(pca, groups, page.titles(), colour)).append("<figcaption>PCA (first two "
                + "principal components)</figcaption></figure>");
        int m = Math.min(TSNE_POINTS, embeddings.length);
        if (m >= 8) {
            double[][] tsne = Tsne.embed(Arrays.copyOf(embeddings, m), Arrays.copyOf(pca, m), 30, TSNE_ITERATIONS);
            out.append("<figure>").append(scatter(tsne, Arrays.copyOf(groups, m), Arrays.copyOf(page.titles(), m),
                    colour)).append("<figcaption>t-SNE (exact, perplexity 30, first ").append(m)
                    .append(" samples)</figcaption></figure>");
        }
        out.append("</div><p class=\"legend\">");
        for (Map.Entry<Long, Integer> e : largest.subList(0, Math.min(PALETTE.length, largest.size()))) {
            out.append("<span class=\"swatch\" style=\"background:").append(colour.get(e.getKey())).append("\"></span>")
                    .append(page.text() || page.knn() != null ? "group " : "").append(e.getKey()).append(" (")
                    .append(e.getValue()).append(") &#160; ");
        }
        if (largest.size() > PALETTE.length) {
            out.append("<span class=\"swatch\" style=\"background:").append(GREY).append("\"></span>")
                    .append(largest.size() - PALETTE.length).append(" more groups");
        }
        return out.append("</p><p>Hover a point for its record.</p>").toString();
    }

    /** 2-d points as an SVG scatter plot: the colour of the point's group, its title on hover. */
    private static String scatter(double[][] xy, long[] groups, String[] titles, Map<Long, String> colour) {
        int n = xy.length;
        double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE};
        double[] hi = {-Double.MAX_VALUE, -Double.MAX_VALUE};
        for (double[] p : xy) {
            for (int c = 0; c < 2; c++) {
                lo[c] = Math.min(lo[c], p[c]);
                hi[c] = Math.max(hi[c], p[c]);
            }
        }
        int size = 440;
        StringBuilder svg = new StringBuilder("<svg class=\"map\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + size
                + "\" height=\"" + size + "\" style=\"border:1px solid #ddd\">");
        for (int i = 0; i < n; i++) {
            double x = 10 + (xy[i][0] - lo[0]) / Math.max(1e-12, hi[0] - lo[0]) * (size - 20);
            double y = 10 + (xy[i][1] - lo[1]) / Math.max(1e-12, hi[1] - lo[1]) * (size - 20);
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\" "
                    + "fill-opacity=\"0.75\"><title>%s</title></circle>", x, y, colour.getOrDefault(groups[i], GREY),
                    escape(titles[i])));
        }
        return svg.append("</svg>").toString();
    }

    /** For text records: the first queries' 5 nearest other samples (cosine), hit when of the query's group / pair. */
    private static String neighbours(Page page) {
        float[][] e = page.embeddings();
        int n = e.length;
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (float v : e[i]) {
                s += v * v;
            }
            norms[i] = Math.max(Math.sqrt(s), 1e-12);
        }
        StringBuilder t = new StringBuilder("<h2>Nearest neighbours</h2><p>The first samples' 5 nearest other samples "
                + "(cosine); <span class=\"hit\">hit</span> = same group (pairs: the query's partner).</p>"
                + "<table class=\"neighbours\"><tr><th>query</th><th>neighbours</th></tr>");
        for (int q = 0; q < Math.min(8, n); q++) {
            final int query = q;
            Integer[] order = new Integer[n];
            double[] sim = new double[n];
            for (int j = 0; j < n; j++) {
                order[j] = j;
                double dot = 0;
                for (int k = 0; k < e[j].length; k++) {
                    dot += e[q][k] * e[j][k];
                }
                sim[j] = j == q ? Double.NEGATIVE_INFINITY : dot / (norms[q] * norms[j]);
            }
            Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -sim[j]).thenComparingInt(j -> j));
            t.append("<tr><td style=\"text-align:left\">").append(escape(page.titles()[q])).append("</td>"
                    + "<td style=\"text-align:left\">");
            for (int r = 0; r < Math.min(5, n - 1); r++) {
                int j = order[r];
                boolean hit = page.groups()[j] == page.groups()[query];
                t.append("<span class=\"").append(hit ? "hit" : "miss").append("\">").append(r + 1).append(". ")
                        .append(escape(page.titles()[j])).append(String.format(Locale.ROOT, " (%.3f)", sim[j]))
                        .append("</span><br/>");
            }
            t.append("</td></tr>");
        }
        return t.append("</table>").toString();
    }

    /** The confusion matrix of the kNN classification of the mapped samples, as a table. */
    private static String confusion(org.quaterion.classify.ClassificationReport r) {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "<h2>kNN classification of these samples</h2>"
                + "<p>Leave-one-out, 5 nearest (cosine), majority vote: accuracy %.4f, macro F1 %.4f. Rows: true "
                + "group; columns: predicted.</p><table><tr><th></th>", r.accuracy(), r.macroF1()));
        for (long c : r.classes()) {
            t.append("<th>").append(c).append("</th>");
        }
        t.append("<th>recall</th></tr>");
        for (int i = 0; i < r.classes().length; i++) {
            t.append("<tr><th>").append(r.classes()[i]).append("</th>");
            for (long v : r.confusion()[i]) {
                t.append("<td>").append(v).append("</td>");
            }
            t.append(String.format(Locale.ROOT, "<td>%.3f</td></tr>", r.recall(r.classes()[i])));
        }
        return t.append("</table>").toString();
    }

    /** The first two principal components of the embeddings. */
    private static double[][] pca(float[][] embeddings) {
        int n = embeddings.length;
        int d = embeddings[0].length;
        double[] mean = new double[d];
        for (float[] e : embeddings) {
            for (int j = 0; j < d; j++) {
                mean[j] += e[j] / (double) n;
            }
        }
        double[][] cov = new double[d][d];
        for (float[] e : embeddings) {
            for (int a = 0; a < d; a++) {
                double ca = e[a] - mean[a];
                for (int b = a; b < d; b++) {
                    cov[a][b] += ca * (e[b] - mean[b]) / n;
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) {
                cov[a][b] = cov[b][a];
            }
        }
        double[][] axes = topComponents(cov, 2);
        double[][] xy = new double[n][2];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 2; c++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += (embeddings[i][j] - mean[j]) * axes[c][j];
                }
                xy[i][c] = s;
            }
        }
        return xy;
    }

    /**
     * The leading eigenvectors of a symmetric positive semi-definite matrix by power iteration with deflation: no
     * convergence failure on degenerate spectra (few samples in many dimensions), deterministic start.
     */
    static double[][] topComponents(double[][] matrix, int count) {
        int d = matrix.length;
        double[][] a = new double[d][];
        for (int i = 0; i < d; i++) {
            a[i] = matrix[i].clone();
        }
        double[][] out = new double[count][d];
        for (int c = 0; c < count; c++) {
            double[] v = new double[d];
            for (int j = 0; j < d; j++) {
                v[j] = 1.0 / Math.sqrt(d) + 1e-3 * ((j * 7919 + c * 104729) % 97) / 97.0;
            }
            double lambda = 0;
            for (int it = 0; it < 200; it++) {
                double[] w = new double[d];
                for (int r = 0; r < d; r++) {
                    double sum = 0;
                    for (int k = 0; k < d; k++) {
                        sum += a[r][k] * v[k];
                    }
                    w[r] = sum;
                }
                double norm = 0;
                for (double x : w) {
                    norm += x * x;
                }
                norm = Math.sqrt(norm);
                if (norm < 1e-300) {
                    break;
                }
                for (int j = 0; j < d; j++) {
                    v[j] = w[j] / norm;
                }
                lambda = norm;
            }
            out[c] = v;
            for (int r = 0; r < d; r++) {
                for (int k = 0; k < d; k++) {
                    a[r][k] -= lambda * v[r] * v[k];
                }
            }
        }
        return out;
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                default -> b.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? ' ' : c); // not allowed in XML
            }
        }
        return b.toString();
    }
}
