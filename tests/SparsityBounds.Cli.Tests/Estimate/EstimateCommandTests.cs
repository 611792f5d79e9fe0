using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Cli.Infrastructure;
using SparsityBounds.Cli.Npy;
using SparsityBounds.Cli.Tests.Infrastructure;
using SparsityBounds.Operators;
using SparsityBounds.Pruning;
using SparsityBounds.Spectral;

namespace SparsityBounds.Cli.Tests.Estimate;

/// <summary>
/// <c>estimate</c> round-trips: NumPy files written here give the same numbers as the library API called directly,
/// through the whole command line (parsing, .npy reading, JSON output).
/// </summary>
public sealed class EstimateCommandTests
{
    private const int D = 120;

    private static (double[] Weights, double[] Eigenvalues, bool[] Prunable) Problem(int seed)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var weights = Enumerable.Range(0, D).Select(_ => Normal() * 0.3).ToArray();
        // A trained-network-like spectrum: a bulk near 0 of both signs, a few outliers, some exact zeros.
        var eigenvalues = Enumerable.Range(0, D).Select(i => i % 10 == 0 ? 0.0 : i % 7 == 0 ? -0.01 * random.NextDouble() : Math.Exp(4 * Normal() - 3)).ToArray();
        var prunable = Enumerable.Range(0, D).Select(i => i % 11 != 5).ToArray();   // some "biases" never pruned
        return (weights, eigenvalues, prunable);
    }

    private static JsonElement Limit(CliRunner.Outcome run, int index = 0) => run.Json().GetProperty("limits")[index];

    private static void AssertSame(JsonElement row, PhaseTransitionEstimate api)
    {
        Assert.Multiple(() =>
        {
            Assert.That(row.GetProperty("keptFraction").GetDouble(), Is.EqualTo(api.KeptFraction));
            Assert.That(row.GetProperty("prunedFraction").GetDouble(), Is.EqualTo(api.PrunedFraction));
            Assert.That(row.GetProperty("keptCount").GetInt32(), Is.EqualTo(api.KeptCount));
            Assert.That(row.GetProperty("keptFractionLower").GetDouble(), Is.EqualTo(api.KeptFractionLower));
            Assert.That(row.GetProperty("keptFractionUpper").GetDouble(), Is.EqualTo(api.KeptFractionUpper));
            Assert.That(row.GetProperty("projectionDistance").GetDouble(), Is.EqualTo(api.ProjectionDistance));
            Assert.That(row.GetProperty("widthAtTransition").GetDouble(), Is.EqualTo(api.WidthAtTransition.Value));
            Assert.That(row.GetProperty("traceBound").GetDouble(), Is.EqualTo(api.TraceBound));
        });
    }

    [Test]
    public void Eigenvalues_RoundTrip_BitwiseAsTheApi()
    {
        var (w, eig, mask) = Problem(1);
        using var folder = new TempFolder();
        NpyWriter.Write(folder.File("w.npy"), w);
        NpyWriter.Write(folder.File("eig.npy"), eig);
        NpyWriter.Write(folder.File("mask.npy"), mask);
        var run = CliRunner.Run("estimate", "--weights", folder.File("w.npy"), "--eigenvalues", folder.File("eig.npy"),
            "--prunable", folder.File("mask.npy"), "--epsilon", "0.05", "--epsilon", "0.005", "--json");
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var options = new PhaseTransitionOptions { Prunable = mask };
        AssertSame(Limit(run, 0), PhaseTransition.Estimate(w, eig, 0.05, options));
        AssertSame(Limit(run, 1), PhaseTransition.Estimate(w, eig, 0.005, options));
        var json = run.Json();
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("dimension").GetInt32(), Is.EqualTo(D));
            Assert.That(json.GetProperty("prunableCount").GetInt32(), Is.EqualTo(mask.Count(p => p)));
            Assert.That(json.GetProperty("spectrumKind").GetString(), Is.EqualTo("eigenvalues"));
            Assert.That(json.GetProperty("zeroEigenvalues").GetInt32(), Is.EqualTo(eig.Count(l => l == 0)));
            Assert.That(json.GetProperty("negativeEigenvalues").GetInt32(), Is.EqualTo(eig.Count(l => l < 0)));
            Assert.That(run.Error, Is.Empty);
        });
    }

    [TestCase("tangent", "clip", 0.2)]
    [TestCase("paper", "clip", 0.01)]
    [TestCase("tangent", "absolute", 0.05)]
    public void FormulaOptions_ReachTheApi(string width, string policy, double eta)
    {
        var (w, eig, _) = Problem(2);
        using var folder = new TempFolder();
        NpyWriter.Write(folder.File("w.npy"), w);
        NpyWriter.Write(folder.File("eig.npy"), eig);
        var run = CliRunner.Run("estimate", "-w", folder.File("w.npy"), "-e", folder.File("eig.npy"), "--epsilon", "0.02",
            "--width", width, "--negative-curvature", policy, "--eta", eta.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var options = new PhaseTransitionOptions
        {
            Width = Enum.Parse<WidthApproximation>(width, ignoreCase: true),
            NegativeCurvature = Enum.Parse<NegativeCurvature>(policy, ignoreCase: true),
            Eta = eta,
        };
        AssertSame(Limit(run), PhaseTransition.Estimate(w, eig, 0.02, options));
    }

    [Test]
    public void Float32Weights_AndIntegerMasks_ReadAsNumPyMeansThem()
    {
        var (w, eig, mask) = Problem(3);
        using var folder = new TempFolder();
        NpyWriter.Write(folder.File("w32.npy"), w, [D], NpyDType.Float32);
        NpyWriter.Write(folder.File("eig.npy"), eig);
        NpyWriter.Write(folder.File("mask_u1.npy"), mask.Select(b => b ? 1.0 : 0.0).ToArray(), [D], NpyDType.UInt8);
        NpyWriter.Write(folder.File("mask_i8.npy"), mask.Select(b => b ? 1.0 : 0.0).ToArray(), [D], NpyDType.Int64);
        var expected = PhaseTransition.Estimate(w.Select(x => (double)(float)x).ToArray(), eig, 0.03, new PhaseTransitionOptions { Prunable = mask });
        foreach (string maskFile in new[] { "mask_u1.npy", "mask_i8.npy" })
        {
            var run = CliRunner.Run("estimate", "--weights", folder.File("w32.npy"), "--eigenvalues", folder.File("eig.npy"),
                "--prunable", folder.File(maskFile), "--epsilon", "0.03", "--json");
            Assert.That(run.ExitCode, Is.Zero, run.Error);
            AssertSame(Limit(run), expected);
            Assert.That(run.Json().GetProperty("weights").GetProperty("dType").GetString(), Is.EqualTo("<f4"));
        }
    }

    [Test]
    public void DenseHessian_GivesTheLimitOfItsSpectrum()
    {
        var (w, eig, mask) = Problem(4);
        double[,] h = WithSpectrum(eig, seed: 4);
        using var folder = new TempFolder();
        NpyWriter.Write(folder.File("w.npy"), w);
        NpyWriter.Write(folder.File("H.npy"), h);
        NpyWriter.Write(folder.File("mask.npy"), mask);
        var run = CliRunner.Run("estimate", "--weights", folder.File("w.npy"), "--hessian", folder.File("H.npy"),
            "--prunable", folder.File("mask.npy"), "--epsilon", "0.05", "--json");
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var options = new PhaseTransitionOptions { Prunable = mask };
        // Bitwise: the command decomposes with the library; to 1e-9: the spectrum H was built from (an independent truth).
        AssertSame(Limit(run), PhaseTransition.Estimate(w, SymmetricEigendecomposition.Compute(h, computeVectors: false).Eigenvalues, 0.05, options));
        Assert.That(Limit(run).GetProperty("keptFraction").GetDouble(), Is.EqualTo(PhaseTransition.Estimate(w, eig, 0.05, options).KeptFraction).Within(1e-9));
        Assert.That(run.Json().GetProperty("relativeAsymmetry").GetDouble(), Is.Zero);
    }

    [Test]
    public void AsymmetricHessian_IsRefusedWithAHint_AndSymmetrizeFixesIt()
    {
        var (w, eig, _) = Problem(5);
        double[,] h = WithSpectrum(eig, seed: 5);
        h[3, 7] += 1e-6;
        using var folder = new TempFolder();
        NpyWriter.Write(folder.File("w.npy"), w);
        NpyWriter.Write(folder.File("H.npy"), h);
        var refused = CliRunner.Run("estimate", "--weights", folder.File("w.npy"), "--hessian", folder.File("H.npy"), "--epsilon", "0.05");
        Assert.Multiple(() =>
        {
            Assert.That(refused.ExitCode, Is.EqualTo(CliApp.UserError));
            Assert.That(refused.Error, Does.StartWith("error: " + folder.File("H.npy") + ": matrix is not symmetric: [3, 7]"));
            Assert.That(refused.Error, Does.Contain("--symmetrize"));
        });

        var run = CliRunner.Run("estimate", "--weights", folder.File("w.npy"), "--hessian", folder.File("H.npy"), "--epsilon", "0.05", "--symmetrize", "--json");
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var averaged = (double[,])h.Clone();
        averaged[3, 7] = averaged[7, 3] = 0.5 * (h[3, 7] + h[7, 3]);
        AssertSame(Limit(run), PhaseTransition.Estimate(w, SymmetricEigendecomposition.Compute(averaged, computeVectors: false).Eigenvalues, 0.05));
        Assert.That(run.Json().GetProperty("relativeAsymmetry").GetDouble(), Is.GreaterThan(0));
    }

    [Test]
    public void QuadraticModel_MatchesTheIntersectionSolverOnAnIndependentAbsH()
    {
        var (w, eig, mask) = Problem(6);
        double[,] h = WithSpectrum(eig, seed: 6);
        using var folder = new TempFolder();
        NpyWriter.Write(folder.File("w.npy"), w);
        NpyWriter.Write(folder.File("H.npy"), h);
        NpyWriter.Write(folder.File("mask.npy"), mask);
        var run = CliRunner.Run("estimate", "--weights", folder.File("w.npy"), "--hessian", folder.File("H.npy"),
            "--prunable", folder.File("mask.npy"), "--epsilon", "0.05", "--quadratic-model", "--json");
        Assert.That(run.ExitCode, Is.Zero, run.Error);

        // |H| from MathNet's eigendecomposition (independent of the library's).
        var evd = Matrix<double>.Build.DenseOfArray(h).Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        var absH = evd.EigenVectors * Matrix<double>.Build.DiagonalOfDiagonalArray(evd.EigenValues.Select(l => Math.Abs(l.Real)).ToArray()) * evd.EigenVectors.Transpose();
        var op = new DenseSymmetricOperator(Symmetric(absH.ToArray()));
        double compensated = SparseIntersection.FindLimit(op, w, 0.05, mask).KeptFraction;
        double uncompensated = SparseIntersection.FindUncompensatedLimit(op, w, 0.05, mask).KeptFraction;
        double step = 1.0 / mask.Count(p => p);
        Assert.Multiple(() =>
        {
            Assert.That(Limit(run).GetProperty("quadraticCompensated").GetDouble(), Is.EqualTo(compensated).Within(step + 1e-12));
            Assert.That(Limit(run).GetProperty("quadraticUncompensated").GetDouble(), Is.EqualTo(uncompensated).Within(step + 1e-12));
            Assert.That(uncompensated, Is.GreaterThanOrEqualTo(compensated), "re-adjusting the kept weights never needs more of them");
        });
    }

    [Test]
    public void HumanOutput_ShowsTheLimit()
    {
        var (w, eig, _) = Problem(7);
        using var folder = new TempFolder();
        NpyWriter.Write(folder.File("w.npy"), w);
        NpyWriter.Write(folder.File("eig.npy"), eig);
        var run = CliRunner.Run("estimate", "--weights", folder.File("w.npy"), "--eigenvalues", folder.File("eig.npy"), "--epsilon", "0.05");
        var api = PhaseTransition.Estimate(w, eig, 0.05);
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.Zero, run.Error);
            Assert.That(run.Output, Does.Contain("Kept fraction ρ*"));
            Assert.That(run.Output, Does.Contain(api.KeptFraction.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(run.Output, Does.Contain($"{api.KeptCount:N0} of {D}"));
        });
    }

    [TestCase("eig_short", "80 eigenvalues but")]
    [TestCase("mask_short", "the prunable mask has 50 entries but")]
    [TestCase("mask_none", "all false")]
    [TestCase("mask_float", "astype(bool)")]
    [TestCase("hessian_wrong", "the Hessian is 60 × 60 but")]
    [TestCase("weights_2d", "must be a 1-D array")]
    [TestCase("weights_nan", "element 17 is NaN")]
    [TestCase("eig_bool", "bool array")]
    public void InconsistentFiles_AreUserErrorsNamingTheFile(string problem, string message)
    {
        var (w, eig, mask) = Problem(8);
        using var folder = new TempFolder();
        string weights = folder.File("w.npy"), spectrum = folder.File("eig.npy"), prunable = folder.File("mask.npy");
        string spectrumOption = "--eigenvalues";
        NpyWriter.Write(weights, w);
        NpyWriter.Write(spectrum, eig);
        NpyWriter.Write(prunable, mask);
        string culprit = problem switch
        {
            "eig_short" => Write(spectrum, eig[..80]),
            "mask_short" => Write(prunable, mask[..50]),
            "mask_none" => Write(prunable, new bool[D]),
            "mask_float" => Write(prunable, mask.Select(b => b ? 1.0 : 0.0).ToArray()),
            "weights_2d" => WriteShaped(weights, w, [10, 12]),
            "weights_nan" => Write(weights, w.Select((x, i) => i == 17 ? double.NaN : x).ToArray()),
            "eig_bool" => Write(spectrum, mask),
            _ => "",
        };
        if (problem == "hessian_wrong")
        {
            spectrumOption = "--hessian";
            spectrum = folder.File("H.npy");
            NpyWriter.Write(spectrum, WithSpectrum(eig[..60], seed: 8));
            culprit = spectrum;
        }
        var run = CliRunner.Run("estimate", "--weights", weights, spectrumOption, spectrum, "--prunable", prunable, "--epsilon", "0.05");
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(CliApp.UserError));
            Assert.That(run.Error, Does.StartWith("error: " + culprit + ": "));
            Assert.That(run.Error, Does.Contain(message));
            Assert.That(run.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
            Assert.That(run.Output, Is.Empty);
        });
    }

    private static string Write(string path, double[] values)
    {
        NpyWriter.Write(path, values);
        return path;
    }

    private static string Write(string path, bool[] values)
    {
        NpyWriter.Write(path, values);
        return path;
    }

    private static string WriteShaped(string path, double[] values, int[] shape)
    {
        NpyWriter.Write(path, values, shape);
        return path;
    }

    /// <summary>Q diag(λ) Qᵀ with Q a seeded random orthogonal matrix (MathNet QR), symmetrised exactly.</summary>
    internal static double[,] WithSpectrum(double[] eigenvalues, int seed)
    {
        int n = eigenvalues.Length;
        var random = new Random(seed);
        var g = Matrix<double>.Build.Dense(n, n, (_, _) => random.NextDouble() - 0.5);
        var q = g.QR().Q;
        var h = q * Matrix<double>.Build.DiagonalOfDiagonalArray(eigenvalues) * q.Transpose();
        return Symmetric(h.ToArray());
    }

    private static double[,] Symmetric(double[,] a)
    {
        int n = a.GetLength(0);
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) a[i, j] = a[j, i] = 0.5 * (a[i, j] + a[j, i]);
        return a;
    }
}
