using System.Globalization;
using Spectre.Console;

namespace SparsityBounds.Cli.Demo;

/// <summary>The demo's human-readable report: settings, the comparison table, the ε sweep, and what it means.</summary>
internal static class DemoReport
{
    /// <summary>Writes the report.</summary>
    public static void Write(IAnsiConsole console, DemoResult r)
    {
        var predicted = Row(r, LimitKind.PredictedSlq);
        var truth = Row(r, LimitKind.MeasuredOneShot);
        var compensated = Row(r, LimitKind.QuadraticCompensated);
        var uncompensated = Row(r, LimitKind.QuadraticUncompensated);

        console.WriteLine();
        Header(console, "SparsityBounds demo: how far can this network be pruned?");
        console.MarkupLine(Esc($"Network  [{string.Join(", ", r.LayerSizes)}] {r.Activation}, D = {r.Parameters:N0} parameters, "
            + $"Dₚ = {r.PrunableParameters:N0} prunable weights (biases are kept)"));
        console.MarkupLine(Esc($"Data     {r.Data}"));
        console.MarkupLine(Esc($"Training LOMP: SGD + momentum 0.9, L1 λ = {r.L1Penalty:G3}, {r.Epochs} epochs, seed {r.Seed}: "
            + $"loss {r.TrainingLoss:F4}, accuracy {r.TrainingAccuracy:P1} ({r.TrainingSeconds:F1} s)"));
        console.MarkupLine(Esc($"Epsilon  ε = {r.Epsilon:G4}: {r.EpsilonSource}"));
        console.MarkupLine(Esc($"Hessian  {(r.ExactSpectrum ? "exact" : "SLQ")} spectrum: λ from {r.SmallestEigenvalue:G3} to {r.LargestEigenvalue:G3}, "
            + $"{r.NegativeEigenvalues:N0} negative{(r.ExactSpectrum ? " (below −1e-12·max|λ|)" : " (SLQ estimate)")}; quadratic-model curvature: {r.QuadraticCurvature}"));
        console.WriteLine();

        var table = new Table().Border(TableBorder.Rounded).Title(Esc($"Kept fraction ρ at ε = {r.Epsilon:G4} (share of the {r.PrunableParameters:N0} prunable weights that stay non-zero)"));
        table.AddColumn("Quantity");
        table.AddColumn(new TableColumn("Kept ρ").RightAligned());
        table.AddColumn(new TableColumn("Band").Centered());
        table.AddColumn(new TableColumn("Δ vs one-shot").RightAligned());
        table.AddColumn(new TableColumn("Cost").RightAligned());
        table.AddColumn(new TableColumn("Time").RightAligned());
        foreach (var row in r.Limits)
        {
            string band = row.BandLower is double lo && row.BandUpper is double hi ? F($"{lo:F3}–{hi:F3}") : "";
            if (row.StatisticalLower is double sl && row.StatisticalUpper is double su) band += F($" (SLQ only {sl:F3}–{su:F3})");
            string delta = row.Kind == LimitKind.MeasuredOneShot ? "(truth)" : F($"{row.KeptFraction - truth.KeptFraction:+0.000;-0.000}");
            string label = row.Kind switch
            {
                LimitKind.PredictedSlq => $"[bold]{Esc(row.Label)}[/]",
                LimitKind.MeasuredOneShot or LimitKind.MeasuredRetrained => $"[bold]{Esc(row.Label)}[/]",
                _ => Esc(row.Label),
            };
            string value = row.Kind is LimitKind.PredictedSlq or LimitKind.MeasuredOneShot or LimitKind.MeasuredRetrained ? F($"[bold]{row.KeptFraction:F3}[/]") : F($"{row.KeptFraction:F3}");
            table.AddRow(label, value, Esc(band), delta, Esc(row.Cost), F($"{row.Seconds:F1} s"));
        }
        console.Write(table);

        var sweep = new Table().Border(TableBorder.Rounded).Title("The same at other tolerances (spectrum reused: no new Hessian products)");
        sweep.AddColumn(new TableColumn("ε").RightAligned());
        sweep.AddColumn(new TableColumn("Predicted ρ* (band)").RightAligned());
        if (r.ExactSpectrum) sweep.AddColumn(new TableColumn("exact spectrum").RightAligned());
        sweep.AddColumn(new TableColumn("tangent").RightAligned());
        sweep.AddColumn(new TableColumn("quad. re-adjusted").RightAligned());
        sweep.AddColumn(new TableColumn("quad. one-shot").RightAligned());
        sweep.AddColumn(new TableColumn("Measured one-shot").RightAligned());
        sweep.AddColumn(new TableColumn("Measured re-optimised").RightAligned());
        foreach (var e in r.EpsilonSweep)
        {
            var cells = new List<string>
            {
                F($"{e.Epsilon:G3} ({e.Scale:G3}×)"),
                F($"{e.Predicted:F3} ({e.PredictedLower:F3}–{e.PredictedUpper:F3})"),
            };
            if (r.ExactSpectrum) cells.Add(F($"{e.PredictedExact:F3}"));
            cells.Add(F($"{e.Tangent:F3}"));
            cells.Add(F($"{e.QuadraticCompensated:F3}"));
            cells.Add(F($"{e.QuadraticUncompensated:F3}"));
            cells.Add(F($"{e.Measured:F3}"));
            cells.Add(F($"{e.Retrained:F3}"));
            sweep.AddRow(cells.Select(Esc).ToArray());
        }
        console.Write(sweep);
        console.WriteLine();

        bool inBand = predicted.BandLower <= compensated.KeptFraction && compensated.KeptFraction <= predicted.BandUpper;
        var check = r.Check;
        Header(console, "What this shows");
        var retrained = Row(r, LimitKind.MeasuredRetrained);
        var exact = r.Limits.FirstOrDefault(l => l.Kind == LimitKind.PredictedExact);
        Bullet(console, (F($"• Prediction: keep ρ* = {predicted.KeptFraction:F3} of the prunable weights (prune {1 - predicted.KeptFraction:P1}), band {predicted.BandLower:F3}–{predicted.BandUpper:F3}, from {predicted.Cost} in {predicted.Seconds:F1} s")
            + (exact is null ? "." : F($"; the exact spectrum gives {exact.KeptFraction:F3}."))));
        Bullet(console, (F($"• What the theory describes, the smallest magnitude support on which the local quadratic model ({r.QuadraticCurvature}) stays within ε once the kept weights are re-adjusted, computed directly: {compensated.KeptFraction:F3}, ")
            + (inBand ? "inside the predicted band." : "outside the predicted band.")));
        Bullet(console, (F($"• Real pruning brackets the prediction. One-shot, no retraining: ρ = {truth.KeptFraction:F3} ({truth.KeptFraction / predicted.KeptFraction:F1}× the prediction; ")
            + F($"its quadratic model gives {uncompensated.KeptFraction:F3}, so the gap is the missing re-adjustment of the kept weights, not the spectrum estimate). ")
            + F($"Kept weights re-optimised on the training loss: ρ = {retrained.KeptFraction:F3} suffices.")));
        Bullet(console, (F($"• At ρ* ({check.KeptCount:N0} weights kept) the real loss rises by {check.PlainLossIncrease:G3} ({check.PlainLossIncrease / r.Epsilon:F1} ε) with plain pruning ")
            + F($"and by {check.ReadjustedLossIncrease:G3} ({check.ReadjustedLossIncrease / r.Epsilon:F1} ε) after the quadratic model's one-step re-adjustment (the model expected {check.ModelReadjustedLossIncrease:G3}): ")
            + (retrained.KeptFraction <= predicted.KeptFraction
                ? "the quadratic model is local, and full re-optimisation does get within ε there."
                : "the quadratic model is local, and even full re-optimisation does not get within ε there.")));
        var taylorRow = r.Limits.FirstOrDefault(l => l.Kind == LimitKind.PredictedOneShotTaylor);
        var firstOrderRow = r.Limits.FirstOrDefault(l => l.Kind == LimitKind.PredictedReoptimizedFirstOrder);
        if (taylorRow is not null)
            Bullet(console, F($"• Beyond the paper: the second-order Taylor model of plain pruning, with the gradient, predicts the one-shot limit as {taylorRow.KeptFraction:F3} (measured {truth.KeptFraction:F3})")
                + (firstOrderRow is null ? "." : F($"; the tangent width with clipped curvature and the gradient-shifted sublevel set predicts the re-optimised limit as {firstOrderRow.KeptFraction:F3} (measured {retrained.KeptFraction:F3}).")));
        console.MarkupLine("[grey]  Read more: docs/concepts.md (what the limit means) and docs/validation.md (measured on many networks).[/]");
        console.WriteLine();
        if (r.Files.Count > 0)
        {
            console.MarkupLine("Files:");
            foreach (string file in r.Files) console.MarkupLine(Esc($"  {file}"));
            if (r.Files.Any(f => f.EndsWith("weights.npy", StringComparison.Ordinal)))
            {
                string folder = Path.GetDirectoryName(r.Files.First(f => f.EndsWith("weights.npy", StringComparison.Ordinal))) ?? ".";
                string spectrum = r.ExactSpectrum ? $"--eigenvalues {Path.Combine(folder, "eigenvalues.npy")}" : "--hessian <your H.npy>";
                console.MarkupLine(Esc(F($"  Recompute the limit from the files: sparsity-bounds estimate --weights {Path.Combine(folder, "weights.npy")} {spectrum} --prunable {Path.Combine(folder, "prunable.npy")} --epsilon {r.Epsilon:R}")));
            }
        }
        console.MarkupLine(Esc(F($"Total {r.TotalSeconds:F1} s, {r.HessianVectorProducts:N0} Hessian-vector products.")));
    }

    /// <summary>A section header "── title ───…" of at most 120 columns (a Rule would span the whole console).</summary>
    private static void Header(IAnsiConsole console, string title)
    {
        int width = Math.Max(40, Math.Min(120, console.Profile.Width - 1));
        console.MarkupLine($"── [bold]{Esc(title)}[/] {new string('─', Math.Max(3, width - title.Length - 4))}");
    }

    /// <summary>Writes "• text" word-wrapped to at most 118 columns (or the console width) with a hanging indent.</summary>
    private static void Bullet(IAnsiConsole console, string text)
    {
        int width = Math.Max(40, Math.Min(118, console.Profile.Width - 1));
        var line = new System.Text.StringBuilder();
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                console.WriteLine(line.ToString());
                line.Clear().Append("  ");
            }
            if (line.Length > 0 && line.ToString() != "  ") line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) console.WriteLine(line.ToString());
    }

    private static LimitRow Row(DemoResult r, LimitKind kind) => r.Limits.First(l => l.Kind == kind);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Esc(string text) => Markup.Escape(text);
}
