package org.quaterion.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A self-contained {@code report.html} (inline SVG, no scripts, no network): loss and metric curves per epoch, the
 * per-epoch table, PCA and t-SNE maps of sample embeddings coloured by group, and for group data the confusion
 * matrix of a leave-one-out kNN classification of those samples. Written atomically.
 */
final class TrainingReport {

    /** Points of the t-SNE map (exact t-SNE is O(n²) per step) and its steps. */
    private static final int TSNE_POINTS = 500;
    private static final int TSNE_ITERATIONS = 300;

    private static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

    private TrainingReport() {}

    /**
     * Writes the report.
     *
     * @param file the HTML file (replaced)
     * @param epochs per-epoch values, as {@link FitResult#epochs()}
     * @param embeddings sample embeddings {@code [n][d]} (may be empty)
     * @param groups the colour group of each sample
     * @param knn the leave-one-out kNN classification of the samples (group data), or null
     * @param title the report title
     * @throws IOException when writing fails
     */
    public static void write(Path file, List<Map<String, Double>> epochs, float[][] embeddings, long[] groups,
            org.quaterion.classify.ClassificationReport knn, String title) throws IOException {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(escape(title))
                .append("</title><style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:"
                        + "collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}</style></head><body>")
                .append("<h1>").append(escape(title)).append("</h1>");
        Set<String> keys = new LinkedHashSet<>();
        epochs.forEach(e -> keys.addAll(e.keySet()));
        List<String> curves = new ArrayList<>();
        for (String k : keys) {
            if (!k.equals("epoch") && !k.equals("global_step") && !k.equals("lr") && !k.equals("epoch_seconds")) {
                curves.add(k);
            }
        }
        html.append("<h2>Curves</h2>");
        for (String k : curves) {
            html.append(curve(k, epochs));
        }
        html.append("<h2>Epochs</h2><table><tr>");
        keys.forEach(k -> html.append("<th>").append(escape(k)).append("</th>"));
        html.append("</tr>");
        for (Map<String, Double> e : epochs) {
            html.append("<tr>");
            for (String k : keys) {
                Double v = e.get(k);
                html.append("<td>").append(v == null ? "" : String.format(Locale.ROOT, "%.5g", v)).append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</table>");
        if (embeddings.length >= 3) {
            double[][] pca = pca(embeddings);
            html.append("<h2>Embeddings (PCA, ").append(embeddings.length).append(" samples)</h2>")
                    .append("<div style=\"display:flex;flex-wrap:wrap;gap:1em\"><figure style=\"margin:0\">")
                    .append(scatter(pca, groups)).append("<figcaption>PCA</figcaption></figure>");
            int m = Math.min(TSNE_POINTS, embeddings.length);
            if (m >= 8) {
                float[][] sample = java.util.Arrays.copyOf(embeddings, m);
                double[][] tsne = Tsne.embed(sample, java.util.Arrays.copyOf(pca, m), 30, TSNE_ITERATIONS);
                html.append("<figure style=\"margin:0\">").append(scatter(tsne, java.util.Arrays.copyOf(groups, m)))
                        .append("<figcaption>t-SNE (exact, perplexity 30, first ").append(m)
                        .append(" samples)</figcaption></figure>");
            }
            html.append("</div><p>Colour = group (10 colours, repeating).</p>");
        }
        if (knn != null) {
            html.append(confusion(knn));
        }
        html.append("</body></html>\n");
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.createDirectories(Objects.requireNonNull(file.toAbsolutePath().getParent())); // never the root
        Files.writeString(tmp, html, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String curve(String key, List<Map<String, Double>> epochs) {
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < epochs.size(); i++) {
            Double v = epochs.get(i).get(key);
            if (v != null && Double.isFinite(v)) {
                points.add(new double[] {i, v});
            }
        }
        if (points.isEmpty()) {
            return "";
        }
        double lo = points.stream().mapToDouble(p -> p[1]).min().orElse(0);
        double hi = points.stream().mapToDouble(p -> p[1]).max().orElse(1);
        double span = hi > lo ? hi - lo : 1;
        int w = 420;
        int h = 160;
        StringBuilder svg = new StringBuilder("<figure style=\"display:inline-block;margin:0 1em 1em 0\"><svg width=\""
                + w + "\" height=\"" + h + "\" style=\"border:1px solid #ddd\"><polyline fill=\"none\" "
                + "stroke=\"#1f77b4\" stroke-width=\"2\" points=\"");
        double xs = points.size() > 1 ? (w - 40.0) / (points.size() - 1) : 0;
        for (int i = 0; i < points.size(); i++) {
            double x = 20 + i * xs;
            double y = h - 20 - (points.get(i)[1] - lo) / span * (h - 40);
            svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        svg.append(String.format(Locale.ROOT, "\"/><text x=\"4\" y=\"14\" font-size=\"11\">%.4g</text><text x=\"4\" "
                + "y=\"%d\" font-size=\"11\">%.4g</text></svg><figcaption>%s by epoch</figcaption></figure>", hi,
                h - 4, lo, escape(key)));
        return svg.toString();
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

    /** 2-d points as an SVG scatter plot coloured by group. */
    private static String scatter(double[][] xy, long[] groups) {
        int n = xy.length;
        double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE};
        double[] hi = {-Double.MAX_VALUE, -Double.MAX_VALUE};
        for (double[] p : xy) {
            for (int c = 0; c < 2; c++) {
                lo[c] = Math.min(lo[c], p[c]);
                hi[c] = Math.max(hi[c], p[c]);
            }
        }
        int size = 460;
        StringBuilder svg = new StringBuilder("<svg width=\"" + size + "\" height=\"" + size
                + "\" style=\"border:1px solid #ddd\">");
        for (int i = 0; i < n; i++) {
            double x = 10 + (xy[i][0] - lo[0]) / Math.max(1e-12, hi[0] - lo[0]) * (size - 20);
            double y = 10 + (xy[i][1] - lo[1]) / Math.max(1e-12, hi[1] - lo[1]) * (size - 20);
            String colour = PALETTE[(int) Math.floorMod(groups[i], (long) PALETTE.length)];
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\" "
                    + "fill-opacity=\"0.7\"><title>group %d</title></circle>", x, y, colour, groups[i]));
        }
        return svg.append("</svg>").toString();
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

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
