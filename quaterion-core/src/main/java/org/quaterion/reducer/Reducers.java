package org.quaterion.reducer;

/** Reducers by the name their {@link Reducer#name()} returns, for configs. */
public final class Reducers {

    private Reducers() {}

    /**
     * The reducer of a name: {@code avg_non_zero}, {@code mean}, {@code sum} or {@code threshold(low,high)} (each
     * bound a number or {@code null}).
     *
     * @param name the name
     * @return a new reducer
     * @throws IllegalArgumentException for an unknown name
     */
    public static Reducer byName(String name) {
        switch (name) {
            case "avg_non_zero":
                return new AvgNonZeroReducer();
            case "mean":
                return new MeanReducer();
            case "sum":
                return new SumReducer();
            default:
                if (name.startsWith("threshold(") && name.endsWith(")")) {
                    String[] bounds = name.substring("threshold(".length(), name.length() - 1).split(",", -1);
                    if (bounds.length == 2) {
                        return new ThresholdReducer(bound(bounds[0]), bound(bounds[1]));
                    }
                }
                throw new IllegalArgumentException("unknown reducer '" + name + "': use avg_non_zero, mean, sum or "
                        + "threshold(low,high)");
        }
    }

    private static Double bound(String text) {
        String t = text.strip();
        return t.equals("null") ? null : Double.valueOf(t);
    }
}
