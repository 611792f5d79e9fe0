using System.Globalization;
using ScottPlot;

namespace SparsityBounds.Cli.Demo;

/// <summary>The demo's figures as PNG files (ScottPlot 5, rendered by SkiaSharp; no display needed).</summary>
internal static class DemoPlots
{
    /// <summary>Figure width in pixels.</summary>
    public const int Width = 1000;

    /// <summary>Figure height in pixels.</summary>
    public const int Height = 640;

    private static readonly Color NetworkColor = Color.FromHex("#1f77b4");
    private static readonly Color TheoryColor = Color.FromHex("#ff7f0e");
    private static readonly Color MeasuredColor = Color.FromHex("#d62728");
    private static readonly Color CompensatedColor = Color.FromHex("#2ca02c");
    private static readonly Color UncompensatedColor = Color.FromHex("#9467bd");
    private static readonly Color RetrainedColor = Color.FromHex("#8c564b");
    private static readonly Color EpsilonColor = Color.FromHex("#555555");

    /// <summary>Writes the three figures into <paramref name="folder"/> and returns their paths.</summary>
    public static IReadOnlyList<string> WriteAll(DemoResult r, string folder)
    {
        Directory.CreateDirectory(folder);
        var files = new List<string>
        {
            Path.Combine(folder, "limit-vs-distance.png"),
            Path.Combine(folder, "loss-vs-kept-fraction.png"),
            Path.Combine(folder, "hessian-spectrum.png"),
        };
        LimitVersusDistance(r).SavePng(files[0], Width, Height);
        LossVersusKeptFraction(r).SavePng(files[1], Width, Height);
        HessianSpectrum(r).SavePng(files[2], Width, Height);
        return files;
    }

    /// <summary>
    /// The paper's figure: the network's kept fraction ρ against its pruning distance R(ρ), and the theory's
    /// 1 − W(R)/D_p against R; they cross at the predicted limit ρ*.
    /// </summary>
    public static Plot LimitVersusDistance(DemoResult r)
    {
        var plot = NewPlot(
            "Where the network meets the theory",
            "projection distance R = ‖w* − wᵏ‖₂ (norm of the pruned weights)",
            "kept fraction ρ");
        var network = plot.Add.ScatterLine(r.MagnitudeCurve.X, r.MagnitudeCurve.Y, NetworkColor);
        network.LineWidth = 3;
        network.LegendText = "network: ρ against R(ρ) (global magnitude pruning)";
        var theory = plot.Add.ScatterLine(r.TheoryCurve.X, r.TheoryCurve.Y, TheoryColor);
        theory.LineWidth = 3;
        theory.LegendText = Invariant($"theory: 1 − W(R)/Dₚ at ε = {r.Epsilon:G3} (SLQ spectrum)");

        var predicted = Row(r, LimitKind.PredictedSlq);
        AddLimitMarker(plot, r, predicted.KeptFraction, TheoryColor, MarkerShape.FilledCircle,
            Invariant($"predicted limit ρ* = {predicted.KeptFraction:F3} (crossing)"));
        AddLimitMarker(plot, r, Row(r, LimitKind.QuadraticCompensated).KeptFraction, CompensatedColor, MarkerShape.FilledDiamond,
            Invariant($"quadratic model, re-adjusted: {Row(r, LimitKind.QuadraticCompensated).KeptFraction:F3}"));
        AddLimitMarker(plot, r, Row(r, LimitKind.QuadraticUncompensated).KeptFraction, UncompensatedColor, MarkerShape.FilledTriangleUp,
            Invariant($"quadratic model, one-shot: {Row(r, LimitKind.QuadraticUncompensated).KeptFraction:F3}"));
        AddLimitMarker(plot, r, Row(r, LimitKind.MeasuredOneShot).KeptFraction, MeasuredColor, MarkerShape.FilledSquare,
            Invariant($"measured one-shot limit: {Row(r, LimitKind.MeasuredOneShot).KeptFraction:F3}"));
        AddLimitMarker(plot, r, Row(r, LimitKind.MeasuredRetrained).KeptFraction, RetrainedColor, MarkerShape.FilledTriangleDown,
            Invariant($"measured, kept weights re-optimised: {Row(r, LimitKind.MeasuredRetrained).KeptFraction:F3}"));
        plot.Axes.SetLimits(0, r.MagnitudeCurve.X.Max() * 1.02, -0.02, 1.02);
        plot.Legend.Alignment = Alignment.UpperRight;
        return plot;
    }

    /// <summary>Loss increase against kept fraction (log scale): real one-shot pruning, the quadratic model, ε, the prediction and its band.</summary>
    public static Plot LossVersusKeptFraction(DemoResult r)
    {
        var plot = NewPlot("Loss increase after one-shot magnitude pruning", "kept fraction ρ (share of prunable weights kept)",
            "loss increase L(wᵏ) − L(w*)");
        double floor = r.Epsilon / 1000;   // three decades below ε; smaller (or negative) increases are drawn at the floor
        double Log(double v) => Math.Log10(Math.Max(v, floor));

        var predicted = Row(r, LimitKind.PredictedSlq);
        if (predicted.BandLower is double lo && predicted.BandUpper is double hi)
        {
            var band = plot.Add.HorizontalSpan(lo, hi, TheoryColor.WithAlpha(0.15));
            band.LegendText = Invariant($"predicted band {lo:F3}–{hi:F3} (kinematic window ± 2 SE)");
            band.LineWidth = 0;
        }
        var quadratic = plot.Add.ScatterLine(r.QuadraticLossCurve.X, r.QuadraticLossCurve.Y.Select(Log).ToArray(), UncompensatedColor);
        quadratic.LineWidth = 2;
        quadratic.LinePattern = LinePattern.Dashed;
        quadratic.LegendText = Invariant($"quadratic model ½δᵀ{Curvature(r)}δ, no re-adjustment");
        var measured = plot.Add.Scatter(r.MeasuredLossCurve.X, r.MeasuredLossCurve.Y.Select(Log).ToArray(), MeasuredColor);
        measured.LineWidth = 3;
        measured.MarkerSize = 5;
        measured.LegendText = "real loss (training set), no retraining";

        var eps = plot.Add.HorizontalLine(Math.Log10(r.Epsilon), 2, EpsilonColor, LinePattern.Dotted);
        eps.LegendText = Invariant($"ε = {r.Epsilon:G3}");
        AddVertical(plot, predicted.KeptFraction, TheoryColor, LinePattern.Solid, Invariant($"predicted ρ* = {predicted.KeptFraction:F3}"));
        var compensated = Row(r, LimitKind.QuadraticCompensated);
        AddVertical(plot, compensated.KeptFraction, CompensatedColor, LinePattern.Dashed,
            Invariant($"quadratic model, re-adjusted: {compensated.KeptFraction:F3}"));
        var uncompensated = Row(r, LimitKind.QuadraticUncompensated);
        AddVertical(plot, uncompensated.KeptFraction, UncompensatedColor, LinePattern.Dashed,
            Invariant($"quadratic model, one-shot: {uncompensated.KeptFraction:F3}"));
        var truth = Row(r, LimitKind.MeasuredOneShot);
        AddVertical(plot, truth.KeptFraction, MeasuredColor, LinePattern.Solid, Invariant($"measured one-shot limit: {truth.KeptFraction:F3}"));
        var retrained = Row(r, LimitKind.MeasuredRetrained);
        AddVertical(plot, retrained.KeptFraction, RetrainedColor, LinePattern.Solid,
            Invariant($"measured, kept weights re-optimised: {retrained.KeptFraction:F3}"));

        // Beyond the paper (docs/validation.md): the predictors built for the two real targets.
        if (r.Limits.FirstOrDefault(l => l.Kind == LimitKind.PredictedOneShotTaylor) is { } taylor)
            AddVertical(plot, taylor.KeptFraction, MeasuredColor, LinePattern.Dotted,
                Invariant($"predicted one-shot (Taylor model with gradient): {taylor.KeptFraction:F3}"));
        if (r.Limits.FirstOrDefault(l => l.Kind == LimitKind.PredictedReoptimizedFirstOrder) is { } reoptimized)
            AddVertical(plot, reoptimized.KeptFraction, RetrainedColor, LinePattern.Dotted,
                Invariant($"predicted re-optimised (tangent, clip, gradient shift): {reoptimized.KeptFraction:F3}"));

        double top = Math.Max(r.MeasuredLossCurve.Y.Max(), r.QuadraticLossCurve.Y.Max());
        plot.Axes.SetLimits(0, 1, Math.Log10(floor), Math.Log10(Math.Max(top, r.Epsilon)) + 0.3);
        LogTicks(plot.Axes.Left);
        plot.Legend.Alignment = Alignment.LowerLeft;
        return plot;
    }

    /// <summary>The Hessian's spectral density (SLQ, Gaussian-smoothed) on a log scale, with the exact eigenvalue histogram when available.</summary>
    public static Plot HessianSpectrum(DemoResult r)
    {
        var plot = NewPlot(Invariant($"Hessian spectrum at w* (D = {r.Parameters:N0})"), "eigenvalue λ", "density of eigenvalues");
        var x = r.SpectralDensity.X;
        var y = r.SpectralDensity.Y;
        double peak = y.Max();
        double floor = peak * 1e-7;
        if (r.Eigenvalues is { Length: > 0 } eigenvalues)
        {
            double min = Math.Min(eigenvalues[0], x[0]), max = Math.Max(eigenvalues[^1], x[^1]);
            const int bins = 120;
            double width = (max - min) / bins;
            var counts = new int[bins];
            foreach (double l in eigenvalues) counts[Math.Clamp((int)((l - min) / width), 0, bins - 1)]++;
            var bars = new List<Bar>();
            for (int b = 0; b < bins; b++)
            {
                if (counts[b] == 0) continue;
                double density = counts[b] / (eigenvalues.Length * width);
                bars.Add(new Bar
                {
                    Position = min + (b + 0.5) * width,
                    Value = Math.Log10(density),
                    ValueBase = Math.Log10(floor),
                    Size = width,
                    FillColor = NetworkColor.WithAlpha(0.35),
                    LineWidth = 0,
                });
            }
            var histogram = plot.Add.Bars(bars);
            histogram.LegendText = Invariant($"exact eigenvalues (histogram, {bins} bins; {r.NegativeEigenvalues:N0} negative)");
            histogram.Color = NetworkColor.WithAlpha(0.35);
        }
        var line = plot.Add.ScatterLine(x, y.Select(v => Math.Log10(Math.Max(v, floor))).ToArray(), MeasuredColor);
        line.LineWidth = 2;
        line.LegendText = Invariant($"stochastic Lanczos quadrature ({r.SpectrumBudget}), Gaussian-smoothed");
        double left = x[0], right = x[^1];
        if (r.Eigenvalues is { Length: > 0 } all)
        {
            left = Math.Min(left, all[0]);
            right = Math.Max(right, all[^1]);
        }
        double margin = 0.02 * (right - left);
        plot.Axes.SetLimits(left - margin, right + margin, Math.Log10(floor), Math.Log10(peak) + 0.5);
        LogTicks(plot.Axes.Left);
        plot.Legend.Alignment = Alignment.UpperRight;
        return plot;
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title, size: 22);
        plot.XLabel(xLabel, size: 17);
        plot.YLabel(yLabel, size: 17);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        plot.Legend.FontSize = 14;
        plot.ShowLegend();
        return plot;
    }

    private static void AddLimitMarker(Plot plot, DemoResult r, double keptFraction, Color color, MarkerShape shape, string label)
    {
        double distance = Interpolate(r.MagnitudeCurve.Y, r.MagnitudeCurve.X, keptFraction);
        var marker = plot.Add.Marker(distance, keptFraction, shape, 14, color);
        marker.LegendText = label;
    }

    private static void AddVertical(Plot plot, double x, Color color, LinePattern pattern, string label)
    {
        var line = plot.Add.VerticalLine(x, 2, color, pattern);
        line.LegendText = label;
    }

    /// <summary>Labels a log10-valued axis as powers of ten with minor ticks at 2..9.</summary>
    private static void LogTicks(ScottPlot.IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => Math.Pow(10, v).ToString("0.#####E+0", CultureInfo.InvariantCulture).Replace("1E", "1e", StringComparison.Ordinal),
        };
    }

    /// <summary>Linear interpolation of y at x along a curve sampled at ascending xs.</summary>
    private static double Interpolate(double[] xs, double[] ys, double x)
    {
        if (x <= xs[0]) return ys[0];
        for (int i = 1; i < xs.Length; i++)
            if (x <= xs[i])
            {
                double t = (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
                return ys[i - 1] + t * (ys[i] - ys[i - 1]);
            }
        return ys[^1];
    }

    private static LimitRow Row(DemoResult r, LimitKind kind) => r.Limits.First(l => l.Kind == kind);

    private static string Curvature(DemoResult r) => r.QuadraticCurvature == "|H|" ? "|H|" : "G";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
