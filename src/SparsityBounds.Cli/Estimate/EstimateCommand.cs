using System.ComponentModel;
using System.Globalization;
using SparsityBounds.Cli.Infrastructure;
using SparsityBounds.Pruning;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SparsityBounds.Cli.Estimate;

/// <summary>Options of <c>sparsity-bounds estimate</c>.</summary>
public sealed class EstimateSettings : CommandSettings
{
    /// <summary>Weights file.</summary>
    [CommandOption("-w|--weights <NPY>")]
    [Description("The trained weights w*: a 1-D .npy array of all D parameters (e.g. torch.cat([[p.detach().flatten() for p in model.parameters()]]).numpy()).")]
    public string? Weights { get; set; }

    /// <summary>Eigenvalues file.</summary>
    [CommandOption("-e|--eigenvalues <NPY>")]
    [Description("All D eigenvalues of the Hessian at w* (1-D .npy), e.g. from torch.linalg.eigvalsh(H).")]
    public string? Eigenvalues { get; set; }

    /// <summary>Hessian file.</summary>
    [CommandOption("-H|--hessian <NPY>")]
    [Description("The dense Hessian at w* (2-D .npy, D × D, symmetric); decomposed here in O(D³).")]
    public string? Hessian { get; set; }

    /// <summary>Mask file.</summary>
    [CommandOption("-p|--prunable <NPY>")]
    [Description("Which weights may be pruned (1-D .npy of bool or 0/1, length D). Default: all. Non-prunable ones (biases, say) are always kept.")]
    public string? Prunable { get; set; }

    /// <summary>Tolerances.</summary>
    [CommandOption("--epsilon <EPS>")]
    [Description("Tolerated loss increase ε > 0; repeat the option for several values.")]
    public double[] Epsilon { get; set; } = [];

    /// <summary>Width formula.</summary>
    [CommandOption("--width <FORMULA>")]
    [Description("paper: W = Σ 2ε/(2ε + |λ|R²) (Zhang et al.); tangent: Σ min(1, 2ε/(|λ|R²)). Default paper.")]
    public WidthApproximation Width { get; set; } = WidthApproximation.Paper;

    /// <summary>Negative curvature.</summary>
    [CommandOption("--negative-curvature <POLICY>")]
    [Description("absolute: use |λ| (the paper's code); clip: treat λ < 0 as flat. Default absolute.")]
    public NegativeCurvature NegativeCurvature { get; set; } = NegativeCurvature.Absolute;

    /// <summary>η.</summary>
    [CommandOption("--eta <ETA>")]
    [Description("Failure probability of the kinematic band ± sqrt(8 ln(4/η))·sqrt(D). Default 0.05.")]
    public double Eta { get; set; } = 0.05;

    /// <summary>Symmetrise.</summary>
    [CommandOption("--symmetrize")]
    [Description("Use (H + Hᵀ)/2 for a Hessian that is symmetric only to rounding (float32 autograd output).")]
    public bool Symmetrize { get; set; }

    /// <summary>Quadratic-model limits.</summary>
    [CommandOption("--quadratic-model")]
    [Description("With --hessian: also the quadratic-model limits along the magnitude order with |H| (kept weights re-adjusted, and plain one-shot).")]
    public bool QuadraticModel { get; set; }

    /// <summary>JSON output.</summary>
    [CommandOption("--json")]
    [Description("Print the result as JSON on stdout, and nothing else.")]
    public bool Json { get; set; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Weights)) return ValidationResult.Error("--weights is required (a .npy file of the trained weights).");
        if (Eigenvalues is null && Hessian is null) return ValidationResult.Error("give --eigenvalues or --hessian (a .npy file).");
        if (Eigenvalues is not null && Hessian is not null) return ValidationResult.Error("give only one of --eigenvalues and --hessian.");
        if (Epsilon.Length == 0) return ValidationResult.Error("--epsilon is required (the tolerated loss increase ε > 0).");
        foreach (double e in Epsilon)
            if (!(e > 0) || !double.IsFinite(e)) return ValidationResult.Error(Invariant($"--epsilon must be positive and finite, got {e}."));
        if (!(Eta > 0 && Eta < 1)) return ValidationResult.Error(Invariant($"--eta must be in (0, 1), got {Eta}."));
        if (QuadraticModel && Hessian is null) return ValidationResult.Error("--quadratic-model needs --hessian.");
        return ValidationResult.Success();
    }

    internal EstimateInputs ToInputs() => new()
    {
        WeightsPath = Weights!,
        EigenvaluesPath = Eigenvalues,
        HessianPath = Hessian,
        PrunablePath = Prunable,
        Epsilons = Epsilon,
        Width = Width,
        NegativeCurvature = NegativeCurvature,
        Eta = Eta,
        Symmetrize = Symmetrize,
        QuadraticModel = QuadraticModel,
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary><c>sparsity-bounds estimate</c>: the pruning limit from NumPy files.</summary>
public sealed class EstimateCommand(CliConsoles consoles) : AsyncCommand<EstimateSettings>
{
    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, EstimateSettings settings, CancellationToken cancellationToken)
    {
        var inputs = settings.ToInputs();
        EstimateResult result;
        if (consoles.Interactive && !settings.Json && settings.Hessian is not null)
        {
            result = await consoles.Output.Status().StartAsync("Reading and decomposing the Hessian…",
                _ => Task.Run(() => EstimateRunner.Run(inputs, cancellationToken), cancellationToken));
        }
        else
        {
            result = await Task.Run(() => EstimateRunner.Run(inputs, cancellationToken), cancellationToken);
        }
        if (settings.Json) consoles.Output.Profile.Out.Writer.WriteLine(CliJson.Serialize(result));
        else Write(consoles.Output, result);
        return 0;
    }

    private static void Write(IAnsiConsole console, EstimateResult r)
    {
        console.MarkupLine(Esc(F($"Weights    {r.Weights.Path}: {r.Dimension:N0} values ({r.Weights.DType})")));
        console.MarkupLine(Esc(r.Prunable is null
            ? F($"Prunable   all {r.Dimension:N0} weights")
            : F($"Prunable   {r.Prunable.Path}: {r.PrunableCount:N0} of {r.Dimension:N0} weights")));
        string source = r.SpectrumKind == "hessian"
            ? F($"{r.Spectrum.Path}: {r.Spectrum.Shape} {r.Spectrum.DType} Hessian (relative asymmetry {r.RelativeAsymmetry:G2}), decomposed")
            : F($"{r.Spectrum.Path}: {r.Dimension:N0} eigenvalues ({r.Spectrum.DType})");
        console.MarkupLine(Esc($"Spectrum   {source}"));
        console.MarkupLine(Esc(F($"           λ from {r.SmallestEigenvalue:G4} to {r.LargestEigenvalue:G4}; {r.NegativeEigenvalues:N0} negative, {r.ZeroEigenvalues:N0} zero (|λ| ≤ 1e-12·max|λ|)")));
        console.MarkupLine(Esc(F($"Formula    width {r.Width.ToLowerInvariant()}, negative curvature {r.NegativeCurvature.ToLowerInvariant()}, band η = {r.Eta:G3}")));

        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn("ε").RightAligned());
        table.AddColumn(new TableColumn("Kept fraction ρ*").RightAligned());
        table.AddColumn(new TableColumn("Pruned").RightAligned());
        table.AddColumn(new TableColumn("Kept weights").RightAligned());
        table.AddColumn(new TableColumn("Band").Centered());
        table.AddColumn(new TableColumn("R(ρ*)").RightAligned());
        table.AddColumn(new TableColumn("W(R)").RightAligned());
        bool quadratic = r.Limits.Any(l => l.QuadraticCompensated is not null);
        if (quadratic)
        {
            table.AddColumn(new TableColumn("quad. re-adjusted").RightAligned());
            table.AddColumn(new TableColumn("quad. one-shot").RightAligned());
        }
        foreach (var l in r.Limits)
        {
            var cells = new List<string>
            {
                F($"{l.Epsilon:G4}"), F($"{l.KeptFraction:F4}"), F($"{l.PrunedFraction:P1}"), F($"{l.KeptCount:N0} of {r.PrunableCount:N0}"),
                F($"{l.KeptFractionLower:F4}–{l.KeptFractionUpper:F4}"), F($"{l.ProjectionDistance:G4}"), F($"{l.WidthAtTransition:N1}"),
            };
            if (quadratic)
            {
                cells.Add(F($"{l.QuadraticCompensated:F4}"));
                cells.Add(F($"{l.QuadraticUncompensated:F4}"));
            }
            table.AddRow(cells.Select(Esc).ToArray());
        }
        console.Write(table);
        console.MarkupLine("[grey]ρ* is the limit of the local quadratic model (kept weights re-adjusted); real one-shot pruning without retraining usually needs more weights: see docs/concepts.md.[/]");
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Esc(string text) => Markup.Escape(text);
}
