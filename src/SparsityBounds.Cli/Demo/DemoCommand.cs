using System.ComponentModel;
using System.Globalization;
using SparsityBounds.Cli.Infrastructure;
using SparsityBounds.Cli.Npy;
using SparsityBounds.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SparsityBounds.Cli.Demo;

/// <summary>Options of <c>sparsity-bounds demo</c>.</summary>
public sealed class DemoSettings : CommandSettings
{
    /// <summary>Hidden widths.</summary>
    [CommandOption("--hidden <WIDTHS>")]
    [Description("Hidden layer widths, comma-separated. Default 32: the network [[64, 32, 10]] with D = 2,410 parameters.")]
    public string Hidden { get; set; } = "32";

    /// <summary>Activation.</summary>
    [CommandOption("--activation <NAME>")]
    [Description("Hidden activation: relu, tanh or sigmoid. Default relu.")]
    public Activation Activation { get; set; } = Activation.Relu;

    /// <summary>L1 penalty.</summary>
    [CommandOption("--l1 <LAMBDA>")]
    [Description("LOMP's L1 penalty λ (the paper uses 2e-5 … 1e-4). Default 1e-4.")]
    public double L1 { get; set; } = 1e-4;

    /// <summary>Epochs.</summary>
    [CommandOption("--epochs <N>")]
    [Description("Training epochs (SGD, momentum 0.9, batch 128, cosine schedule). Default 60.")]
    public int Epochs { get; set; } = 60;

    /// <summary>Learning rate.</summary>
    [CommandOption("--learning-rate <ETA>")]
    [Description("Base learning rate. Default 0.05.")]
    public string? LearningRate { get; set; }

    /// <summary>Seed.</summary>
    [CommandOption("--seed <N>")]
    [Description("Seed of initialisation, shuffles and spectrum probes: same seed, same numbers. Default 1.")]
    public int Seed { get; set; } = 1;

    /// <summary>ε.</summary>
    [CommandOption("--epsilon <EPS>")]
    [Description("Tolerated loss increase ε. Default: the standard deviation of minibatch (128) losses at the trained weights, as in the paper's code.")]
    public string? Epsilon { get; set; }

    /// <summary>Exact spectrum policy.</summary>
    [CommandOption("--exact <MODE>")]
    [Description("Exact Hessian spectrum and |H|: auto (when D ≤ 3,000), on or off. Off uses Gauss-Newton for the quadratic model. Default auto.")]
    public ExactSpectrumMode Exact { get; set; } = ExactSpectrumMode.Auto;

    /// <summary>SLQ probes.</summary>
    [CommandOption("--probes <N>")]
    [Description("Stochastic Lanczos quadrature probes. Default 4.")]
    public int Probes { get; set; } = 4;

    /// <summary>SLQ steps.</summary>
    [CommandOption("--steps <N>")]
    [Description("Lanczos steps per probe. Default 250.")]
    public int Steps { get; set; } = 250;

    /// <summary>Data file.</summary>
    [CommandOption("--data <CSV>")]
    [Description("Your own classification data: CSV (or .csv.gz), one sample a line, features then an integer label. Default: the embedded digits set.")]
    public string? Data { get; set; }

    /// <summary>Feature scale.</summary>
    [CommandOption("--feature-scale <S>")]
    [Description("Multiply the features of --data by this (e.g. 0.0039 for 0..255 pixels). Default 1.")]
    public double FeatureScale { get; set; } = 1.0;

    /// <summary>Header line.</summary>
    [CommandOption("--header")]
    [Description("The --data file starts with a header line.")]
    public bool Header { get; set; }

    /// <summary>Output folder.</summary>
    [CommandOption("-o|--output <DIR>")]
    [Description("Folder for the plots (PNG) and the arrays (weights.npy, prunable.npy, eigenvalues.npy). Default sparsity-bounds-demo.")]
    public string Output { get; set; } = "sparsity-bounds-demo";

    /// <summary>Skip plots.</summary>
    [CommandOption("--no-plots")]
    [Description("Write no plots.")]
    public bool NoPlots { get; set; }

    /// <summary>Skip arrays.</summary>
    [CommandOption("--no-arrays")]
    [Description("Write no .npy arrays.")]
    public bool NoArrays { get; set; }

    /// <summary>Quick mode.</summary>
    [CommandOption("--quick")]
    [Description("A small, fast run (~5 s) for smoke tests: 16 hidden units, 20 epochs, 2 × 80 spectrum steps, unless given explicitly.")]
    public bool Quick { get; set; }

    /// <summary>JSON output.</summary>
    [CommandOption("--json")]
    [Description("Print every number (settings, ε, limits, bands, costs, times, curves) as JSON on stdout, and nothing else.")]
    public bool Json { get; set; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (ParseHidden(Hidden) is null)
            return ValidationResult.Error($"--hidden must be positive integers separated by commas, got '{Hidden}'.");
        if (Epochs < 1) return ValidationResult.Error($"--epochs must be at least 1, got {Epochs}.");
        if (!(L1 >= 0) || !double.IsFinite(L1)) return ValidationResult.Error(Invariant($"--l1 must be finite and ≥ 0, got {L1}."));
        if (Epsilon is not null && ParsePositive(Epsilon) is null) return ValidationResult.Error($"--epsilon must be a positive finite number, got '{Epsilon}'.");
        if (LearningRate is not null && ParsePositive(LearningRate) is null) return ValidationResult.Error($"--learning-rate must be a positive finite number, got '{LearningRate}'.");
        if (Probes < 1) return ValidationResult.Error($"--probes must be at least 1, got {Probes}.");
        if (Steps < 2) return ValidationResult.Error($"--steps must be at least 2, got {Steps}.");
        if (!(FeatureScale > 0) || !double.IsFinite(FeatureScale)) return ValidationResult.Error(Invariant($"--feature-scale must be positive and finite, got {FeatureScale}."));
        if (string.IsNullOrWhiteSpace(Output)) return ValidationResult.Error("--output must name a folder.");
        return ValidationResult.Success();
    }

    internal static double? ParsePositive(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && double.IsFinite(value) ? value : null;

    internal static int[]? ParseHidden(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var widths = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out widths[i]) || widths[i] < 1 || widths[i] > 100_000)
                return null;
        return widths;
    }

    /// <summary>The pipeline options these settings describe (quick mode fills what was not given).</summary>
    internal DemoOptions ToOptions(string[] explicitOptions)
    {
        bool Given(string name) => explicitOptions.Any(a => a == name || a.StartsWith(name + "=", StringComparison.Ordinal));
        var options = new DemoOptions
        {
            Hidden = ParseHidden(Hidden)!,
            Activation = Activation,
            L1Penalty = L1,
            Epochs = Epochs,
            LearningRate = LearningRate is null ? null : ParsePositive(LearningRate),
            Seed = Seed,
            Epsilon = Epsilon is null ? null : ParsePositive(Epsilon),
            Exact = Exact,
            Probes = Probes,
            Steps = Steps,
        };
        if (Quick)
        {
            if (!Given("--hidden")) options = options with { Hidden = [16] };
            if (!Given("--epochs")) options = options with { Epochs = 20 };
            if (!Given("--probes")) options = options with { Probes = 2 };
            if (!Given("--steps")) options = options with { Steps = 80 };
            options = options with { GridPoints = 26, RetrainingIterations = 60 };
        }
        if (Data is not null)
        {
            var data = DatasetCsv.LoadClassification(Data, FeatureScale, Header);
            options = options with { Data = data, DataName = $"{Path.GetFileName(Data)} ({data.Count:N0} samples, {data.FeatureCount} features, {data.ClassCount} classes)" };
        }
        return options;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary><c>sparsity-bounds demo</c>: the paper's experiment in about 15 seconds on two cores.</summary>
public sealed class DemoCommand(CliConsoles consoles) : AsyncCommand<DemoSettings>
{
    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, DemoSettings settings, CancellationToken cancellationToken)
    {
        var options = settings.ToOptions(context.Arguments.ToArray());
        DemoResult result;
        if (consoles.Interactive && !settings.Json)
        {
            result = await RunWithProgressAsync(options, cancellationToken);
        }
        else
        {
            result = await Task.Run(() => DemoPipeline.Run(options, null, cancellationToken), cancellationToken);
        }

        if (!settings.NoPlots) result.Files.AddRange(DemoPlots.WriteAll(result, settings.Output));
        if (!settings.NoArrays) result.Files.AddRange(WriteArrays(result, settings.Output));

        if (settings.Json) consoles.Output.Profile.Out.Writer.WriteLine(CliJson.Serialize(result));
        else DemoReport.Write(consoles.Output, result);
        return 0;
    }

    private async Task<DemoResult> RunWithProgressAsync(DemoOptions options, CancellationToken cancellationToken)
    {
        DemoResult? result = null;
        await consoles.Output.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<DemoStage, (ProgressTask Task, System.Diagnostics.Stopwatch Watch)>();
                var labels = new Dictionary<DemoStage, string>
                {
                    [DemoStage.Training] = "Training (LOMP: SGD + L1)",
                    [DemoStage.Spectrum] = "Hessian spectrum (SLQ) → predicted limit",
                    [DemoStage.ExactSpectrum] = "Exact spectrum (check)",
                    [DemoStage.QuadraticModel] = "Quadratic-model limits",
                    [DemoStage.MeasuredPruning] = "Real pruning (loss on a grid)",
                    [DemoStage.Retraining] = "Real pruning, kept weights re-optimised",
                    [DemoStage.PredictionCheck] = "Real loss at the predicted ρ*",
                };
                var finished = new HashSet<DemoStage>();
                void Finish(DemoStage stage)
                {
                    var (task, watch) = tasks[stage];
                    if (!finished.Add(stage)) return;
                    watch.Stop();
                    task.IsIndeterminate = false;
                    task.Value = task.MaxValue;
                    task.Description = $"{Markup.Escape(labels[stage])} [grey]{watch.Elapsed.TotalSeconds:F1} s[/]";
                    task.StopTask();
                }
                ProgressTask Task(DemoStage stage)
                {
                    if (!tasks.TryGetValue(stage, out var entry))
                    {
                        foreach (var earlier in tasks.Keys.ToArray()) Finish(earlier);
                        entry = (context.AddTask(labels[stage], maxValue: 1.0), System.Diagnostics.Stopwatch.StartNew());
                        if (stage == DemoStage.ExactSpectrum) entry.Task.IsIndeterminate = true;
                        tasks[stage] = entry;
                    }
                    return entry.Task;
                }
                var progress = new CallbackProgress<DemoProgress>(p =>
                {
                    var task = Task(p.Stage);
                    if (finished.Contains(p.Stage)) return;
                    task.Value = Math.Clamp(p.Fraction, 0, 1);
                    task.Description = $"{Markup.Escape(labels[p.Stage])} [grey]{Markup.Escape(p.Detail)}[/]";
                });
                result = await System.Threading.Tasks.Task.Run(() => DemoPipeline.Run(options, progress, cancellationToken), cancellationToken);
                foreach (var stage in tasks.Keys.ToArray()) Finish(stage);
            });
        return result!;
    }

    private static List<string> WriteArrays(DemoResult result, string folder)
    {
        Directory.CreateDirectory(folder);
        var files = new List<string> { Path.Combine(folder, "weights.npy"), Path.Combine(folder, "prunable.npy") };
        NpyWriter.Write(files[0], result.Weights);
        NpyWriter.Write(files[1], result.Prunable);
        if (result.Eigenvalues is not null)
        {
            files.Add(Path.Combine(folder, "eigenvalues.npy"));
            NpyWriter.Write(files[^1], result.Eigenvalues);
        }
        return files;
    }
}
