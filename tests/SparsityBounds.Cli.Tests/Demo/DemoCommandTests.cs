using SkiaSharp;
using SparsityBounds.Cli.Demo;
using SparsityBounds.Cli.Tests.Infrastructure;

namespace SparsityBounds.Cli.Tests.Demo;

/// <summary><c>sparsity-bounds demo</c> end to end in its quick mode: JSON, files, plots, and the arrays feeding <c>estimate</c>.</summary>
public sealed class DemoCommandTests
{
    private static TempFolder? _folder;
    private static CliRunner.Outcome? _json;

    private static TempFolder Folder => _folder ??= new TempFolder();

    private static CliRunner.Outcome QuickJson => _json ??= CliRunner.Run("demo", "--quick", "--json", "--output", Folder.Path);

    [OneTimeTearDown]
    public void CleanUp() => _folder?.Dispose();

    [Test]
    public void Json_IsTheOnlyOutput_AndHasTheComparison()
    {
        var run = QuickJson;
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var root = run.Json();
        var kinds = root.GetProperty("limits").EnumerateArray().Select(l => l.GetProperty("kind").GetString()).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(run.Error, Is.Empty);
            Assert.That(run.Output.TrimStart(), Does.StartWith("{"));
            Assert.That(root.GetProperty("layerSizes").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 64, 16, 10 }), "--quick: 16 hidden units");
            Assert.That(root.GetProperty("spectrumBudget").GetString(), Is.EqualTo("2 probes × 80 steps"));
            Assert.That(root.GetProperty("exactSpectrum").GetBoolean(), Is.True, "D = 1,210 ≤ 3,000: exact by default");
            Assert.That(kinds, Is.EquivalentTo(new[] { "predictedSlq", "predictedExact", "predictedTangent", "predictedOneShotTaylor",
                "predictedReoptimizedFirstOrder", "quadraticCompensated", "quadraticUncompensated", "measuredOneShot", "measuredRetrained" }));
            Assert.That(root.GetProperty("epsilon").GetDouble(), Is.GreaterThan(0));
            Assert.That(root.GetProperty("files").GetArrayLength(), Is.EqualTo(6));
        });
    }

    [Test]
    public void Plots_ArePngImagesWithContent()
    {
        Assert.That(QuickJson.ExitCode, Is.Zero, QuickJson.Error);
        foreach (string name in new[] { "limit-vs-distance.png", "loss-vs-kept-fraction.png", "hessian-spectrum.png" })
        {
            string path = Path.Combine(Folder.Path, name);
            using var bitmap = SKBitmap.Decode(path);
            Assert.That(bitmap, Is.Not.Null, name);
            Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((DemoPlots.Width, DemoPlots.Height)), name);
            int inked = 0, coloured = 0;
            for (int y = 0; y < bitmap.Height; y += 2)
                for (int x = 0; x < bitmap.Width; x += 2)
                {
                    var c = bitmap.GetPixel(x, y);
                    if (c.Red < 200 || c.Green < 200 || c.Blue < 200) inked++;
                    if (Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue)) > 80) coloured++;
                }
            int total = bitmap.Width * bitmap.Height / 4;
            Assert.That(inked, Is.InRange(total / 100, total / 2), $"{name}: text, axes and curves drawn, not a blank or filled canvas");
            Assert.That(coloured, Is.GreaterThan(total / 500), $"{name}: coloured curves present");
        }
    }

    [Test]
    public void Arrays_FeedEstimate_AndReproduceTheExactPrediction()
    {
        var root = QuickJson.Json();
        double eps = root.GetProperty("epsilon").GetDouble();
        double exact = root.GetProperty("limits").EnumerateArray().Single(l => l.GetProperty("kind").GetString() == "predictedExact")
            .GetProperty("keptFraction").GetDouble();
        var run = CliRunner.Run("estimate", "--weights", Path.Combine(Folder.Path, "weights.npy"),
            "--eigenvalues", Path.Combine(Folder.Path, "eigenvalues.npy"), "--prunable", Path.Combine(Folder.Path, "prunable.npy"),
            "--epsilon", eps.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "--json");
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Json().GetProperty("limits")[0].GetProperty("keptFraction").GetDouble(), Is.EqualTo(exact));
    }

    [Test]
    public void HumanReport_ShowsPredictionTruthAndTheExplanation()
    {
        using var folder = new TempFolder();
        var run = CliRunner.Run("demo", "--quick", "--no-plots", "--no-arrays", "--exact", "off", "--output", folder.Path);
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.Multiple(() =>
        {
            Assert.That(run.Output, Does.Contain("Predicted: paper formula, SLQ spectrum (2×80)"));
            Assert.That(run.Output, Does.Contain("Measured: real loss, one-shot magnitude pruning"));
            Assert.That(run.Output, Does.Contain("Measured: real loss, kept weights re-optimised"));
            Assert.That(run.Output, Does.Contain("Quadratic model (Gauss-Newton)"));
            Assert.That(run.Output, Does.Contain("What this shows"));
            Assert.That(run.Output, Does.Contain("Real pruning brackets the prediction"));
            Assert.That(run.Output, Does.Not.Contain("\u001b["), "no ANSI escapes when not interactive");
            Assert.That(Directory.EnumerateFiles(folder.Path), Is.Empty, "--no-plots --no-arrays write nothing");
        });
    }

    [Test]
    public void UnreadableData_IsAUserError()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("bad.csv"), "0.1,0.2,1\n0.3,oops,0\n");
        var run = CliRunner.Run("demo", "--quick", "--data", folder.File("bad.csv"), "--output", folder.Path);
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(global::SparsityBounds.Cli.Infrastructure.CliApp.UserError));
            Assert.That(run.Error, Does.StartWith("error: "));
            Assert.That(run.Error, Does.Contain("line 2"));
            Assert.That(run.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public void OwnData_IsTrainedOn()
    {
        using var folder = new TempFolder();
        // Two separable Gaussian-ish blobs in 4 features, labels 0/1.
        var random = new Random(3);
        var lines = Enumerable.Range(0, 200).Select(i =>
        {
            int label = i % 2;
            var features = Enumerable.Range(0, 4).Select(_ => (label * 2 - 1) * 0.8 + random.NextDouble() - 0.5);
            return string.Join(',', features.Select(f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "," + label;
        });
        File.WriteAllLines(folder.File("blobs.csv"), lines);
        var run = CliRunner.Run("demo", "--data", folder.File("blobs.csv"), "--hidden", "5", "--epochs", "20", "--steps", "30",
            "--probes", "2", "--json", "--no-plots", "--no-arrays", "--output", folder.Path);
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var root = run.Json();
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("layerSizes").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 4, 5, 2 }));
            Assert.That(root.GetProperty("samples").GetInt32(), Is.EqualTo(200));
            Assert.That(root.GetProperty("trainingAccuracy").GetDouble(), Is.GreaterThan(0.95));
            Assert.That(root.GetProperty("data").GetString(), Does.StartWith("blobs.csv"));
        });
    }
}
