using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using SparsityBounds.Cli.Infrastructure;
using SparsityBounds.Models;
using SparsityBounds.Pruning;
using SparsityBounds.Spectral;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SparsityBounds.Cli.Validate;

/// <summary>Options of <c>sparsity-bounds validate</c>.</summary>
public sealed class ValidateSettings : CommandSettings
{
    /// <summary>Quick mode.</summary>
    [CommandOption("--quick")]
    [Description("Two models only (a smoke run of the study, about 10 seconds).")]
    public bool Quick { get; set; }

    /// <summary>Markdown output.</summary>
    [CommandOption("-o|--output <FILE>")]
    [Description("Also write the Markdown report to this file (docs/validation-results.md in the repository).")]
    public string? Output { get; set; }

    /// <summary>Monte Carlo samples.</summary>
    [CommandOption("--samples <N>")]
    [Description("Gaussian samples per statistical-dimension estimate (true δ predictor). Default 100.")]
    public int Samples { get; set; } = 100;

    /// <summary>First-order cutoff.</summary>
    [CommandOption("--first-order-cutoff <FRACTION>")]
    [Description("Eigenvalues below this fraction of max|λ| count as flat in the gradient shift of the sublevel set. Default 1e-3 (docs/validation.md).")]
    public double FirstOrderCutoff { get; set; } = 1e-3;
}

/// <summary>
/// The validation study of docs/validation.md: LOMP-trained digits MLPs (several widths, activations, L1 strengths; a
/// second, held-out set with another training seed), three tolerances each; every predictor of <see cref="PruningReport"/>
/// against the measured one-shot, re-optimised and quadratic-model limits; mean absolute errors per predictor and target.
/// </summary>
public sealed class ValidateCommand(CliConsoles consoles) : AsyncCommand<ValidateSettings>
{
    /// <summary>One model of the study.</summary>
    internal sealed record Case(string Set, int[] Sizes, Activation Activation, double L1, int Seed)
    {
        public string Name => $"[{string.Join(", ", Sizes)}] {Activation.ToString().ToLowerInvariant()}, λ = {L1.ToString("G3", CultureInfo.InvariantCulture)}, seed {Seed}";
    }

    internal static IReadOnlyList<Case> Cases(bool quick)
    {
        var all = new List<Case>
        {
            new("selection", [64, 16, 10], Activation.Relu, 0, 1),
            new("selection", [64, 16, 10], Activation.Relu, 1e-4, 1),
            new("selection", [64, 16, 10], Activation.Relu, 1e-3, 1),
            new("selection", [64, 24, 10], Activation.Tanh, 0, 1),
            new("selection", [64, 24, 10], Activation.Tanh, 1e-4, 1),
            new("selection", [64, 24, 10], Activation.Tanh, 1e-3, 1),
            new("selection", [64, 12, 12, 10], Activation.Relu, 1e-4, 1),
            new("held-out", [64, 20, 10], Activation.Relu, 3e-4, 2),
            new("held-out", [64, 32, 10], Activation.Tanh, 0, 2),
            new("held-out", [64, 16, 16, 10], Activation.Tanh, 1e-4, 2),
            new("held-out", [64, 10, 10], Activation.Relu, 1e-3, 2),
            new("held-out", [64, 20, 10], Activation.Sigmoid, 1e-4, 2),
        };
        return quick ? [all[1], all[10]] : all;
    }

    internal static readonly double[] EpsilonFactors = [0.1, 1.0, 10.0];

    /// <summary>One (model, ε) row: predictions and measured limits.</summary>
    internal sealed record Row(Case Case, int Dimension, double Epsilon, IReadOnlyDictionary<string, double> Predicted,
        double PaperLower, double PaperUpper, double OneShot, double Reoptimized, double Quadratic);

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, ValidateSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Samples < 0) throw new ArgumentOutOfRangeException(nameof(settings.Samples), settings.Samples, "--samples must be >= 0.");
        if (!(settings.FirstOrderCutoff > 0 && settings.FirstOrderCutoff < 1))
            throw new ArgumentOutOfRangeException(nameof(settings.FirstOrderCutoff), settings.FirstOrderCutoff, "--first-order-cutoff must lie in (0, 1).");
        var rows = new List<Row>();
        var watch = Stopwatch.StartNew();
        var data = SampleData.Digits();
        foreach (var c in Cases(settings.Quick))
        {
            cancellationToken.ThrowIfCancellationRequested();
            consoles.Error.MarkupLineInterpolated($"[grey]{c.Set}: {c.Name} ({watch.Elapsed.TotalSeconds:F0} s)[/]");
            rows.AddRange(await Task.Run(() => RunCase(c, data, settings.Samples, settings.FirstOrderCutoff, cancellationToken).ToList(), cancellationToken));
        }
        string markdown = Markdown(rows, watch.Elapsed);
        consoles.Output.WriteLine(markdown);
        if (settings.Output is not null) await File.WriteAllTextAsync(settings.Output, markdown, cancellationToken);
        return 0;
    }

    internal static IEnumerable<Row> RunCase(Case c, Dataset data, int samples, double firstOrderCutoff, CancellationToken cancellationToken)
    {
        var mlp = new Mlp(c.Sizes, c.Activation);
        var theta = MlpTrainer.Train(mlp, data, Loss.SoftmaxCrossEntropy,
            new MlpTrainingOptions { L1Penalty = c.L1, Epochs = 60, Seed = c.Seed }, null, cancellationToken).Parameters;
        var objective = new MlpObjective(mlp, data, Loss.SoftmaxCrossEntropy);
        var hessian = objective.Hessian(theta);
        var spectrum = StochasticLanczosQuadrature.Estimate(hessian, PhaseTransitionOptions.DefaultSpectrum, cancellationToken);
        var exact = SymmetricEigendecomposition.Compute(hessian, computeVectors: true, cancellationToken);
        double std = objective.MinibatchLossStandardDeviation(theta);
        foreach (double factor in EpsilonFactors)
        {
            double epsilon = factor * std;
            var report = PruningReport.Create(objective, theta, epsilon, new PruningReportOptions
            {
                Prunable = mlp.WeightMask(),
                PrecomputedSpectrum = spectrum,
                PrecomputedEigendecomposition = exact,
                MonteCarloSamples = samples,
                FirstOrderRelativeCutoff = firstOrderCutoff,
                Seed = 7,
            }, null, cancellationToken);
            var paper = report["Paper"]!;
            yield return new Row(c, theta.Length, epsilon, report.Predictions.ToDictionary(p => p.Name, p => p.KeptFraction),
                paper.Lower, paper.Upper, report.OneShot.KeptFraction, report.Reoptimized!.KeptFraction, report.QuadraticModel!.KeptFraction);
        }
    }

    internal static string Markdown(IReadOnlyList<Row> rows, TimeSpan elapsed)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var predictors = rows[0].Predicted.Keys.ToList();
        (string Name, Func<Row, double> Target)[] targets =
        [
            ("measured one-shot", r => r.OneShot),
            ("measured re-optimised", r => r.Reoptimized),
            ("quadratic model, |H|, compensated", r => r.Quadratic),
        ];
        sb.AppendLine(inv, $"Generated by `sparsity-bounds validate` in {elapsed.TotalMinutes:F1} min ({rows.Count} model × ε cases).");
        sb.AppendLine();
        foreach (var set in rows.Select(r => r.Case.Set).Distinct())
        {
            var subset = rows.Where(r => r.Case.Set == set).ToList();
            sb.AppendLine(inv, $"### Mean absolute error in kept fraction: {set} models ({subset.Count} cases)");
            sb.AppendLine();
            sb.AppendLine("| predictor | " + string.Join(" | ", targets.Select(t => t.Name)) + " |");
            sb.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", targets.Length)));
            foreach (var p in predictors)
                sb.AppendLine(FormattableString.Invariant($"| {p} | ") + string.Join(" | ", targets.Select(t => subset.Average(r => Math.Abs(r.Predicted[p] - t.Target(r))).ToString("F3", inv))) + " |");
            sb.AppendLine();
            sb.AppendLine(inv, $"Signed mean error of Paper (predicted − measured): one-shot {subset.Average(r => r.Predicted["Paper"] - r.OneShot):+0.000;-0.000}, re-optimised {subset.Average(r => r.Predicted["Paper"] - r.Reoptimized):+0.000;-0.000}, quadratic model {subset.Average(r => r.Predicted["Paper"] - r.Quadratic):+0.000;-0.000}.");
            sb.AppendLine(inv, $"Magnitude support versus random subspace (quadratic-model limit − TrueStatisticalDimension prediction): mean {subset.Average(r => r.Quadratic - r.Predicted["TrueStatisticalDimension"]):+0.000;-0.000}, mean absolute {subset.Average(r => Math.Abs(r.Quadratic - r.Predicted["TrueStatisticalDimension"])):0.000}.");
            sb.AppendLine(inv, $"Paper's AKF band [KeptFractionLower, KeptFractionUpper] contains: the quadratic-model limit in {subset.Count(r => r.Quadratic >= r.PaperLower && r.Quadratic <= r.PaperUpper)}/{subset.Count} cases, the one-shot limit in {subset.Count(r => r.OneShot >= r.PaperLower && r.OneShot <= r.PaperUpper)}/{subset.Count}, the re-optimised limit in {subset.Count(r => r.Reoptimized >= r.PaperLower && r.Reoptimized <= r.PaperUpper)}/{subset.Count}.");
            sb.AppendLine();
        }
        sb.AppendLine("### Every case");
        sb.AppendLine();
        sb.AppendLine("| set | model | D | ε | Paper band | " + string.Join(" | ", predictors) + " | one-shot | re-optimised | quadratic \\|H\\| |");
        sb.AppendLine("|---|---|---|---|---|" + string.Concat(Enumerable.Repeat("---|", predictors.Count + 3)));
        foreach (var r in rows)
            sb.AppendLine(FormattableString.Invariant($"| {r.Case.Set} | {r.Case.Name} | {r.Dimension} | {r.Epsilon:G3} | {r.PaperLower:F3}–{r.PaperUpper:F3} | ") + string.Join(" | ", predictors.Select(p => r.Predicted[p].ToString("F3", inv)))
                + FormattableString.Invariant($" | {r.OneShot:F3} | {r.Reoptimized:F3} | {r.Quadratic:F3} |"));
        return sb.ToString();
    }
}
