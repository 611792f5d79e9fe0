using System.Diagnostics;
using SparsityBounds.Cli.Npy;
using SparsityBounds.Operators;
using SparsityBounds.Pruning;
using SparsityBounds.Spectral;

namespace SparsityBounds.Cli.Estimate;

/// <summary>What <c>estimate</c> reads and how it evaluates.</summary>
internal sealed record EstimateInputs
{
    /// <summary>Path of the weights (.npy, 1-D).</summary>
    public required string WeightsPath { get; init; }
    /// <summary>Path of the eigenvalues (.npy, 1-D), or null.</summary>
    public string? EigenvaluesPath { get; init; }
    /// <summary>Path of the dense Hessian (.npy, D × D), or null.</summary>
    public string? HessianPath { get; init; }
    /// <summary>Path of the prunable mask (.npy bool or 0/1), or null for all prunable.</summary>
    public string? PrunablePath { get; init; }
    /// <summary>One or more tolerances ε.</summary>
    public required double[] Epsilons { get; init; }
    /// <summary>Width formula.</summary>
    public WidthApproximation Width { get; init; } = WidthApproximation.Paper;
    /// <summary>Negative-eigenvalue policy.</summary>
    public NegativeCurvature NegativeCurvature { get; init; } = NegativeCurvature.Absolute;
    /// <summary>AKF failure probability η.</summary>
    public double Eta { get; init; } = 0.05;
    /// <summary>Average the Hessian with its transpose before decomposing (float32 Hessians are symmetric only to rounding).</summary>
    public bool Symmetrize { get; init; }
    /// <summary>With a dense Hessian, also the |H| quadratic-model limits (eigenvectors: O(D³) more).</summary>
    public bool QuadraticModel { get; init; }
}

/// <summary>An input file as it was read.</summary>
/// <param name="Path">The path given.</param>
/// <param name="DType">NumPy dtype descriptor.</param>
/// <param name="Shape">Shape as NumPy prints it.</param>
internal sealed record InputFile(string Path, string DType, string Shape);

/// <summary>The limit at one ε.</summary>
/// <param name="Epsilon">ε.</param>
/// <param name="KeptFraction">ρ*.</param>
/// <param name="PrunedFraction">1 − ρ*.</param>
/// <param name="KeptCount">k*.</param>
/// <param name="KeptFractionLower">Band low end (AKF window ± 2 SE; SE = 0 for exact eigenvalues).</param>
/// <param name="KeptFractionUpper">Band high end.</param>
/// <param name="ProjectionDistance">R(ρ*).</param>
/// <param name="WidthAtTransition">W(R(ρ*)).</param>
/// <param name="KinematicHalfWidth">a_η √D.</param>
/// <param name="TraceBound">Jensen's bound on ρ* (paper width).</param>
/// <param name="QuadraticCompensated">|H| quadratic-model limit with re-adjusted kept weights (with --quadratic-model).</param>
/// <param name="QuadraticUncompensated">|H| quadratic-model limit of plain one-shot pruning (with --quadratic-model).</param>
internal sealed record EstimateRow(double Epsilon, double KeptFraction, double PrunedFraction, int KeptCount, double KeptFractionLower,
    double KeptFractionUpper, double ProjectionDistance, double WidthAtTransition, double KinematicHalfWidth, double TraceBound,
    double? QuadraticCompensated, double? QuadraticUncompensated);

/// <summary>The result of <c>estimate</c>.</summary>
internal sealed record EstimateResult
{
    /// <summary>The weights file.</summary>
    public required InputFile Weights { get; init; }
    /// <summary>The spectrum file (eigenvalues or Hessian).</summary>
    public required InputFile Spectrum { get; init; }
    /// <summary>"eigenvalues" or "hessian".</summary>
    public required string SpectrumKind { get; init; }
    /// <summary>The prunable mask file, or null.</summary>
    public InputFile? Prunable { get; init; }
    /// <summary>D.</summary>
    public required int Dimension { get; init; }
    /// <summary>D_p.</summary>
    public required int PrunableCount { get; init; }
    /// <summary>Eigenvalues below −1e-12·max|λ| (clearly negative, not rounding).</summary>
    public required int NegativeEigenvalues { get; init; }
    /// <summary>Eigenvalues with |λ| ≤ 1e-12·max|λ| (zero up to rounding).</summary>
    public required int ZeroEigenvalues { get; init; }
    /// <summary>Smallest eigenvalue.</summary>
    public required double SmallestEigenvalue { get; init; }
    /// <summary>Largest eigenvalue.</summary>
    public required double LargestEigenvalue { get; init; }
    /// <summary>Largest |H_ij − H_ji| / max|H| before symmetrising (dense Hessian only).</summary>
    public double? RelativeAsymmetry { get; init; }
    /// <summary>Width formula.</summary>
    public required string Width { get; init; }
    /// <summary>Negative-curvature policy.</summary>
    public required string NegativeCurvature { get; init; }
    /// <summary>η.</summary>
    public required double Eta { get; init; }
    /// <summary>One row per ε, in the order given.</summary>
    public required IReadOnlyList<EstimateRow> Limits { get; init; }
    /// <summary>Seconds spent (reading, decomposing, solving).</summary>
    public required double Seconds { get; init; }
}

/// <summary>
/// The <c>estimate</c> computation: read the arrays, validate them against each other, and call the exact-eigenvalue
/// overload of <see cref="PhaseTransition"/> (a dense Hessian is first decomposed by <see cref="SymmetricEigendecomposition"/>).
/// </summary>
internal static class EstimateRunner
{
    /// <summary>Eigenvalues within this fraction of max|λ| of zero are counted as zero (rounding of a D × D decomposition is ~1e-16·‖H‖).</summary>
    internal const double NegligibleEigenvalue = 1e-12;

    /// <summary>Runs the estimate.</summary>
    /// <exception cref="NpyFormatException">A file is not a readable array of the right shape.</exception>
    /// <exception cref="ArgumentException">Inconsistent inputs (lengths, ε, symmetry).</exception>
    public static EstimateResult Run(EstimateInputs inputs, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        if ((inputs.EigenvaluesPath is null) == (inputs.HessianPath is null))
            throw new ArgumentException("give exactly one of --eigenvalues and --hessian.", "--eigenvalues");
        if (inputs.Epsilons.Length == 0)
            throw new ArgumentException("give --epsilon (the tolerated loss increase ε > 0).", "--epsilon");
        foreach (double e in inputs.Epsilons)
            if (!(e > 0) || !double.IsFinite(e))
                throw new ArgumentException(FormattableString.Invariant($"--epsilon must be positive and finite, got {e}."), "--epsilon");
        if (inputs.QuadraticModel && inputs.HessianPath is null)
            throw new ArgumentException("--quadratic-model needs the dense Hessian (--hessian), not only its eigenvalues.", "--quadratic-model");

        var weightsArray = NpyReader.Read(inputs.WeightsPath);
        double[] weights = weightsArray.ToVector("the weights");
        int d = weights.Length;
        if (d == 0) throw new NpyFormatException(inputs.WeightsPath, "the weights array is empty.");

        bool[]? prunable = null;
        InputFile? prunableFile = null;
        if (inputs.PrunablePath is not null)
        {
            var maskArray = NpyReader.Read(inputs.PrunablePath);
            prunable = maskArray.ToMask("the prunable mask");
            if (prunable.Length != d)
                throw new NpyFormatException(inputs.PrunablePath,
                    $"the prunable mask has {prunable.Length:N0} entries but {inputs.WeightsPath} has {d:N0} weights: one flag per weight.");
            if (!prunable.Contains(true))
                throw new NpyFormatException(inputs.PrunablePath, "the prunable mask is all false: nothing can be pruned.");
            prunableFile = Describe(maskArray);
        }

        double[] eigenvalues;
        InputFile spectrumFile;
        double? asymmetry = null;
        ISymmetricOperator? absoluteHessian = null;
        if (inputs.EigenvaluesPath is not null)
        {
            var eigArray = NpyReader.Read(inputs.EigenvaluesPath);
            eigenvalues = eigArray.ToVector("the eigenvalues");
            if (eigenvalues.Length != d)
                throw new NpyFormatException(inputs.EigenvaluesPath,
                    $"{eigenvalues.Length:N0} eigenvalues but {inputs.WeightsPath} has {d:N0} weights: the Hessian is D × D, so give all D eigenvalues.");
            spectrumFile = Describe(eigArray);
        }
        else
        {
            var hArray = NpyReader.Read(inputs.HessianPath!);
            double[,] matrix = hArray.ToSquareMatrix("the Hessian");
            if (matrix.GetLength(0) != d)
                throw new NpyFormatException(inputs.HessianPath!,
                    $"the Hessian is {matrix.GetLength(0):N0} × {matrix.GetLength(0):N0} but {inputs.WeightsPath} has {d:N0} weights.");
            asymmetry = RelativeAsymmetry(matrix);
            if (inputs.Symmetrize) Symmetrize(matrix);
            SymmetricEigendecomposition decomposition;
            try
            {
                decomposition = SymmetricEigendecomposition.Compute(matrix, computeVectors: inputs.QuadraticModel);
            }
            catch (ArgumentException e) when (e.ParamName == "matrix")
            {
                throw new NpyFormatException(inputs.HessianPath!, FormattableString.Invariant(
                    $"{e.Message.Split(" (Parameter")[0]} Largest relative asymmetry {asymmetry:G3}; pass --symmetrize to use (H + Hᵀ)/2 (float32 Hessians from autograd are symmetric only to about 1e-7)."));
            }
            eigenvalues = decomposition.Eigenvalues.ToArray();
            if (inputs.QuadraticModel) absoluteHessian = decomposition.Function(Math.Abs);
            spectrumFile = Describe(hArray);
        }

        var options = new PhaseTransitionOptions
        {
            Prunable = prunable,
            Width = inputs.Width,
            NegativeCurvature = inputs.NegativeCurvature,
            Eta = inputs.Eta,
        };
        var rows = new List<EstimateRow>();
        foreach (double eps in inputs.Epsilons)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var estimate = PhaseTransition.Estimate(weights, eigenvalues, eps, options);
            double? compensated = null, uncompensated = null;
            if (absoluteHessian is not null)
            {
                compensated = SparseIntersection.FindLimit(absoluteHessian, weights, eps, prunable, null, cancellationToken).KeptFraction;
                uncompensated = SparseIntersection.FindUncompensatedLimit(absoluteHessian, weights, eps, prunable, cancellationToken).KeptFraction;
            }
            rows.Add(new EstimateRow(eps, estimate.KeptFraction, estimate.PrunedFraction, estimate.KeptCount, estimate.KeptFractionLower,
                estimate.KeptFractionUpper, estimate.ProjectionDistance, estimate.WidthAtTransition.Value, estimate.KinematicHalfWidth,
                estimate.TraceBound, compensated, uncompensated));
        }

        double scale = eigenvalues.Max(Math.Abs);
        return new EstimateResult
        {
            Weights = Describe(weightsArray),
            Spectrum = spectrumFile,
            SpectrumKind = inputs.EigenvaluesPath is not null ? "eigenvalues" : "hessian",
            Prunable = prunableFile,
            Dimension = d,
            PrunableCount = prunable?.Count(p => p) ?? d,
            NegativeEigenvalues = eigenvalues.Count(l => l < -NegligibleEigenvalue * scale),
            ZeroEigenvalues = eigenvalues.Count(l => Math.Abs(l) <= NegligibleEigenvalue * scale),
            SmallestEigenvalue = eigenvalues.Min(),
            LargestEigenvalue = eigenvalues.Max(),
            RelativeAsymmetry = asymmetry,
            Width = inputs.Width.ToString(),
            NegativeCurvature = inputs.NegativeCurvature.ToString(),
            Eta = inputs.Eta,
            Limits = rows,
            Seconds = watch.Elapsed.TotalSeconds,
        };
    }

    private static InputFile Describe(NpyArray array) => new(array.Source, NpyArray.DescriptorOf(array.DType), array.ShapeText);

    /// <summary>max |a_ij − a_ji| / max |a| (0 for a zero matrix).</summary>
    internal static double RelativeAsymmetry(double[,] a)
    {
        int n = a.GetLength(0);
        double maxAbs = 0, maxDiff = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                maxAbs = Math.Max(maxAbs, Math.Abs(a[i, j]));
                if (j > i) maxDiff = Math.Max(maxDiff, Math.Abs(a[i, j] - a[j, i]));
            }
        return maxAbs == 0 ? 0 : maxDiff / maxAbs;
    }

    private static void Symmetrize(double[,] a)
    {
        int n = a.GetLength(0);
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) a[i, j] = a[j, i] = 0.5 * (a[i, j] + a[j, i]);
    }
}
