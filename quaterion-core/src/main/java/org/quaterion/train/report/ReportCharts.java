package org.quaterion.train.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's line charts as inline SVG: one chart per quantity, with train and validation of that quantity
 * together, axes with ticks and labels, a point per epoch (so a one-epoch run shows a point), a dashed line at the
 * best epoch, a log scale when the values are positive and span more than a decade, and each series' best value in
 * the caption.
 */
public final class ReportCharts {

    private static final String[] SERIES = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"};
    private static final int WIDTH = 440;
    private static final int HEIGHT = 260;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 16;
    private static final int BOTTOM = 44;

    private ReportCharts() {}

    /**
     * The quantities to chart and the epoch-table keys of each: {@code train_loss} and {@code validation_loss} make
     * "loss"; {@code <metric>_train} and {@code <metric>_validation} make "<metric>"; other keys chart alone
     * (the learning rate and the epoch's seconds are in the table only).
     *
     * @param keys the epoch table's keys
     * @return quantity → keys, in first-seen order
     */
    static Map<String, List<String>> quantities(Iterable<String> keys) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String k : keys) {
            if (k.equals("epoch") || k.equals("global_step") || k.equals("epoch_seconds") || k.equals("lr")) {
                continue;
            }
            String base = k;
            for (String stage : new String[] {"train", "validation"}) {
                if (k.startsWith(stage + "_")) {
                    base = k.substring(stage.length() + 1);
                } else if (k.endsWith("_" + stage)) {
                    base = k.substring(0, k.length() - stage.length() - 1);
                }
            }
            out.computeIfAbsent(base, b -> new ArrayList<>()).add(k);
        }
        return out;
    }

    /**
     * One chart.
     *
     * @param quantity the chart's name (y axis label)
     * @param keys the series (epoch-table keys)
     * @param epochs the epoch table
     * @param bestEpoch the row of the restored / best epoch in {@code epochs} (0-based), or -1; epochs are labelled
     *     from 1, like the epoch column
     * @param minimize for each series, whether smaller is better (losses) or larger (metrics)
     * @return the figure, or "" when no series has a finite value
     */
    static String chart(String quantity, List<String> keys, List<Map<String, Double>> epochs, int bestEpoch,
            java.util.function.Predicate<String> minimize) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        boolean any = false;
        for (Map<String, Double> e : epochs) {
            for (String k : keys) {
                Double v = e.get(k);
                if (v != null && Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                    any = true;
                }
            }
        }
        if (!any) {
            return "";
        }
        boolean log = lo > 0 && hi / lo > 10;
        double yLo = log ? Math.floor(Math.log10(lo)) : lo;
        double yHi = log ? Math.ceil(Math.log10(hi)) : hi;
        if (yHi <= yLo) {
            double pad = Math.max(Math.abs(yLo) * 0.05, 1e-9);
            yLo -= pad;
            yHi += pad;
        }
        int n = epochs.size();
        double xMax = Math.max(1, n - 1);
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        final double fyLo = yLo;
        final double fyHi = yHi;
        java.util.function.DoubleUnaryOperator px = x -> LEFT + (n == 1 ? plotW / 2 : x / xMax * plotW);
        java.util.function.DoubleUnaryOperator py = v -> {
            double t = log ? Math.log10(v) : v;
            return TOP + plotH - (t - fyLo) / (fyHi - fyLo) * plotH;
        };
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT, "<figure class=\"chart\"><svg class=\"chart\" "
                + "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-size=\"11\">", WIDTH, HEIGHT));
        // axes
        svg.append(String.format(Locale.ROOT, "<g class=\"axis x\"><line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                + "stroke=\"#444\"/>", LEFT, TOP + plotH, WIDTH - RIGHT, TOP + plotH));
        int step = Math.max(1, (int) Math.ceil(n / 8.0));
        for (int e = 0; e < n; e += step) {
            double x = px.applyAsDouble(e);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>"
                    + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>", x, TOP + plotH, x, TOP + plotH + 4,
                    x, TOP + plotH + 16, e + 1));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">epoch</text></g>",
                LEFT + plotW / 2, HEIGHT - 6));
        svg.append(String.format(Locale.ROOT, "<g class=\"axis y\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" "
                + "stroke=\"#444\"/>", LEFT, TOP, LEFT, TOP + plotH));
        for (double[] t : ticks(yLo, yHi, log)) {
            double y = TOP + plotH - (t[0] - yLo) / (yHi - yLo) * plotH;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#444\"/>"
                    + "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT - 4, y, LEFT, y, LEFT + 1, y,
                    WIDTH - RIGHT, y, LEFT - 6, y + 4, format(t[1])));
        }
        svg.append(String.format(Locale.ROOT, "<text transform=\"translate(12,%.1f) rotate(-90)\" "
                + "text-anchor=\"middle\">%s%s</text></g>", TOP + plotH / 2, TrainingReport.escape(quantity),
                log ? " (log)" : ""));
        if (bestEpoch >= 0 && bestEpoch < n) {
            double x = px.applyAsDouble(bestEpoch);
            svg.append(String.format(Locale.ROOT, "<g class=\"best\"><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
                    + "y2=\"%.1f\" stroke=\"#2a2\" stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"%.1f\" fill=\"#2a2\" "
                    + "text-anchor=\"middle\">best</text></g>", x, TOP, x, TOP + plotH, x, TOP + plotH - 4));
        }
        List<String> captions = new ArrayList<>();
        for (int s = 0; s < keys.size(); s++) {
            String key = keys.get(s);
            String colour = SERIES[s % SERIES.length];
            StringBuilder line = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            int bestAt = -1;
            double best = Double.NaN;
            boolean smaller = minimize.test(key);
            for (int e = 0; e < n; e++) {
                Double v = epochs.get(e).get(key);
                if (v == null || !Double.isFinite(v) || (log && v <= 0)) {
                    continue;
                }
                double x = px.applyAsDouble(e);
                double y = py.applyAsDouble(v);
                line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s, "
                        + "epoch %d: %s</title></circle>", x, y, colour, TrainingReport.escape(key), e + 1, format(v)));
                if (bestAt < 0 || (smaller ? v < best : v > best)) {
                    best = v;
                    bestAt = e;
                }
            }
            if (bestAt < 0) {
                continue;
            }
            svg.append(String.format(Locale.ROOT, "<g class=\"series\"><polyline fill=\"none\" stroke=\"%s\" "
                    + "stroke-width=\"1.5\" points=\"%s\"/>%s</g>", colour, line.toString().trim(), dots));
            svg.append(String.format(Locale.ROOT, "<g class=\"legend\"><rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
                    + "fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text></g>", WIDTH - RIGHT - 150, TOP + 4 + 14 * s,
                    colour, WIDTH - RIGHT - 136, TOP + 13 + 14 * s, TrainingReport.escape(key)));
            captions.add(String.format(Locale.ROOT, "%s best %s at epoch %d", TrainingReport.escape(key), format(best),
                    bestAt + 1));
        }
        return svg.append("</svg><figcaption>").append(String.join("; ", captions)).append("</figcaption></figure>")
                .toString();
    }

    /** Tick positions (in axis units) and their labels (in values): decades on a log axis, ~5 round steps else. */
    private static List<double[]> ticks(double lo, double hi, boolean log) {
        List<double[]> out = new ArrayList<>();
        if (log) {
            for (int d = (int) Math.ceil(lo); d <= (int) Math.floor(hi); d++) {
                out.add(new double[] {d, Math.pow(10, d)});
            }
            return out;
        }
        double raw = (hi - lo) / 5;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double nice = raw / magnitude < 1.5 ? 1 : raw / magnitude < 3.5 ? 2 : raw / magnitude < 7.5 ? 5 : 10;
        double step = nice * magnitude;
        for (double t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
            out.add(new double[] {t, Math.abs(t) < step * 1e-9 ? 0 : t});
        }
        return out;
    }

    /**
     * A number with 4 significant digits; integers as integers.
     *
     * @param v the number
     * @return its text
     */
    public static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
